"""Lead units' roadmaps (lộ trình triển khai): the dated steps by which a unit carries its task."""
