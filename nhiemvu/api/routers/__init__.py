"""The API's routers, one per area; `nhiemvu.api.api` mounts them."""
