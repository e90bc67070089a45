"""Matching the names a plan writes (`Ban QLDA CSHT`, `Sở NN&PTNT`, `Đ/c Nguyễn Phúc Đạt`) to stored rows.

Documents abbreviate freely and mix Unicode forms, dash styles and "và"/"&", so names are
compared through a key: NFC, new tone placement, case-folded, separators dropped and the
abbreviations of `ABBREVIATIONS` spelled out. The matchers load their candidates once, so the
review screen can match every name of a plan in a fixed number of queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nhiemvu.lib.vntext import new_tone_placement, nfc, unaccent
from nhiemvu.organisations.models import Official, Organisation, OrganisationKind
from nhiemvu.organisations.selectors import organisation_descendant_ids, organisation_parent_map

# Abbreviations of Vietnamese public administration, as written in plans. Keys are token
# sequences after case folding and dropping separators (so "KH-TC", "KH – TC" and "KH&TC" are
# all "kh tc"); values are spelled out the same way ("và" dropped). Several tokens are tried
# before one, so "tt tt" (thông tin và truyền thông) wins over "tt" (trung tâm).
ABBREVIATIONS: dict[str, str] = {
    # ministries' and departments' fields
    "nn ptnt": "nông nghiệp phát triển nông thôn",
    "nnptnt": "nông nghiệp phát triển nông thôn",
    "ptnt": "phát triển nông thôn",
    "nn": "nông nghiệp",
    "gd đt": "giáo dục đào tạo",
    "gdđt": "giáo dục đào tạo",
    "kh đt": "kế hoạch đầu tư",
    "khđt": "kế hoạch đầu tư",
    "kh tc": "kế hoạch tài chính",
    "khtc": "kế hoạch tài chính",
    "tc kh": "tài chính kế hoạch",
    "tckh": "tài chính kế hoạch",
    "tn mt": "tài nguyên môi trường",
    "tnmt": "tài nguyên môi trường",
    "vh tt dl": "văn hóa thể thao du lịch",
    "vhttdl": "văn hóa thể thao du lịch",
    "vh tt": "văn hóa thông tin",
    "lđ tb xh": "lao động thương binh xã hội",
    "lđtbxh": "lao động thương binh xã hội",
    "tt tt": "thông tin truyền thông",
    "tttt": "thông tin truyền thông",
    "kh cn": "khoa học công nghệ",
    "khcn": "khoa học công nghệ",
    "gtvt": "giao thông vận tải",
    "gt vt": "giao thông vận tải",
    "kt ht": "kinh tế hạ tầng",
    "ktht": "kinh tế hạ tầng",
    "cntt": "công nghệ thông tin",
    "atgt": "an toàn giao thông",
    "attp": "an toàn thực phẩm",
    "atvstp": "an toàn vệ sinh thực phẩm",
    "ntm": "nông thôn mới",
    # bodies
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "qlda": "quản lý dự án",
    "bql": "ban quản lý",
    "ql": "quản lý",
    "csht": "cơ sở hạ tầng",
    "bvtv": "bảo vệ thực vật",
    "tt": "trung tâm",
    "vp": "văn phòng",
    "cc": "chi cục",
    "tp": "thành phố",
    "tx": "thị xã",
    "bhxh": "bảo hiểm xã hội",
}

_SEPARATORS_RE = re.compile(r"[&\-\u2010-\u2015\u2212,.;:()\[\]/\"'“”]+")
_VA_RE = re.compile(r"(?<!\w)và(?!\w)")
_SPACE_RE = re.compile(r"\s+")
_MAX_ABBR_TOKENS = max(len(k.split()) for k in ABBREVIATIONS)
# "Đ/c", "Đồng chí", "Ông", "Bà" before a person's name are forms of address, not the name.
_ADDRESS_RE = re.compile(r"^\s*(?:đ\s*/\s*c|đồng\s+chí|ông|bà)\.?\s+", re.IGNORECASE)


def _tokens(text: str) -> list[str]:
    text = new_tone_placement(nfc(text)).casefold()
    text = _SEPARATORS_RE.sub(" ", text)
    text = _VA_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip().split()


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_ABBR_TOKENS, len(tokens) - i), 0, -1):
            expansion = ABBREVIATIONS.get(" ".join(tokens[i : i + size]))
            if expansion is not None:
                out.extend(expansion.split())
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def name_key(name: str) -> str:
    """The comparison key of an organisation's name: folded, separators dropped, abbreviations spelled out.

    >>> name_key("Sở NN&PTNT") == name_key("Sở Nông nghiệp và Phát triển nông thôn")
    True
    >>> name_key("Phòng KH-TC") == name_key("Phòng Kế hoạch – Tài chính")
    True
    >>> name_key("Ban QLDA CSHT chuỗi giá trị nông nghiệp")
    'ban quản lý dự án cơ sở hạ tầng chuỗi giá trị nông nghiệp'
    """
    return " ".join(_expand(_tokens(name)))


def loose_key(name: str) -> str:
    """`name_key` without diacritics, for names typed without accents (a second, weaker tier).

    >>> loose_key("Chi cuc Kiem lam") == loose_key("Chi cục Kiểm lâm")
    True
    """
    return unaccent(name_key(name))


def person_key(name: str) -> str:
    """The comparison key of a person's name: forms of address dropped, folded.

    >>> person_key("Đ/c Nguyễn  Phúc Đạt") == person_key("nguyễn phúc đạt")
    True
    """
    text = new_tone_placement(nfc(name)).strip()
    text = _ADDRESS_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).casefold().strip()


# First words of a name → the kind of body; longest first so "UBND huyện" beats "UBND".
_KIND_PREFIXES: list[tuple[str, OrganisationKind]] = [
    ("ủy ban nhân dân tỉnh", OrganisationKind.PROVINCE_COMMITTEE),
    ("ủy ban nhân dân huyện", OrganisationKind.DISTRICT),
    ("ủy ban nhân dân thị xã", OrganisationKind.DISTRICT),
    ("ủy ban nhân dân thành phố", OrganisationKind.DISTRICT),
    ("ủy ban nhân dân các huyện", OrganisationKind.DISTRICT),
    ("ủy ban nhân dân xã", OrganisationKind.COMMUNE),
    ("ủy ban nhân dân phường", OrganisationKind.COMMUNE),
    ("ủy ban nhân dân thị trấn", OrganisationKind.COMMUNE),
    ("ủy ban nhân dân các xã", OrganisationKind.COMMUNE),
    ("chi cục", OrganisationKind.SUB_DEPARTMENT),
    ("phòng", OrganisationKind.DIVISION),
    ("văn phòng", OrganisationKind.DIVISION),
    ("thanh tra", OrganisationKind.DIVISION),
    ("ban", OrganisationKind.BOARD),
    ("trung tâm", OrganisationKind.CENTRE),
    ("trạm", OrganisationKind.CENTRE),
    ("sở", OrganisationKind.DEPARTMENT),
    ("huyện ủy", OrganisationKind.PARTY),
    ("tỉnh ủy", OrganisationKind.PARTY),
    ("đoàn", OrganisationKind.PARTY),
    ("hội", OrganisationKind.PARTY),
]
_KIND_PREFIXES.sort(key=lambda p: -len(p[0]))


def guess_kind(name: str) -> str:
    """The kind of body a name's first words announce; OTHER when they say nothing.

    >>> guess_kind("Chi cục Trồng trọt và BVTV")
    'sub_department'
    >>> guess_kind("UBND huyện Tam Nông")
    'district'
    >>> guess_kind("Ban QLDA CSHT chuỗi giá trị nông nghiệp")
    'board'
    >>> guess_kind("Công an tỉnh")
    'other'
    """
    key = name_key(name)
    for prefix, kind in _KIND_PREFIXES:
        if key == prefix or key.startswith(prefix + " "):
            return kind.value
    return OrganisationKind.OTHER.value


# Names of bodies outside an agency's own tree: police, army, insurance, banks, utilities and
# telecoms, party and mass organisations, and plural groups ("các bệnh viện", "các xã").
_OUTSIDE = re.compile(
    r"""^(?:công\ an|bộ\ chỉ\ huy|bộ\ đội|quân\ sự|biên\ phòng|bảo\ hiểm|ngân\ hàng|kho\ bạc|
        cục\ thuế|chi\ cục\ thuế|điện\ lực|công\ ty|tổng\ công\ ty|tập\ đoàn|vnpt|viettel|mobifone|bưu\ điện|
        bệnh\ viện|trường|đại\ học|báo\ |đài\ |mặt\ trận|tỉnh\ đoàn|hội\ |liên\ minh|ủy\ ban\ mặt\ trận|
        các\ |những\ |doanh\ nghiệp|hợp\ tác\ xã|tòa\ án|viện\ kiểm\ sát)""",
    re.VERBOSE,
)


def looks_outside(name: str, kind: str) -> bool:
    """Whether a name the agency does not know is more likely a partner than one of its units.

    >>> [looks_outside(n, guess_kind(n)) for n in ("Công an tỉnh", "VNPT Lạng Sơn", "Các bệnh viện",
    ...  "Bảo hiểm xã hội tỉnh", "Chi cục Kiểm lâm", "Phòng Kế hoạch – Tài chính", "Tỉnh đoàn")]
    [True, True, True, True, False, False, True]
    """
    text = " ".join(name.casefold().split())
    return kind in (OrganisationKind.PARTY, OrganisationKind.EXTERNAL) or bool(_OUTSIDE.match(text))


@dataclass
class OrganisationMatcher:
    """Organisations of the issuer's tree, indexed by name keys; match names in memory.

    Bodies under the issuer win over the rest of the province's tree, so "Văn phòng Sở" finds
    this department's office rather than another department's.
    """

    issuer: Organisation
    organisations: dict[int, Organisation]
    _near: set[int] = field(default_factory=set)
    _by_key: dict[str, list[int]] = field(default_factory=dict)
    _by_loose: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def for_issuer(
        cls, issuer: Organisation, parents: dict[int, int | None] | None = None
    ) -> OrganisationMatcher:
        parents = organisation_parent_map() if parents is None else parents
        root = issuer.pk
        while (up := parents.get(root)) is not None:
            root = up
        tree = organisation_descendant_ids(root, parents)
        orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=tree).order_by("name")}
        matcher = cls(
            issuer=issuer, organisations=orgs, _near=organisation_descendant_ids(issuer.pk, parents)
        )
        for org in orgs.values():
            matcher.add(org)
        return matcher

    def add(self, org: Organisation) -> None:
        """Index an organisation (also one created during an import, so later names find it)."""
        self.organisations[org.pk] = org
        for name in org.all_names:
            for index, key in ((self._by_key, name_key(name)), (self._by_loose, loose_key(name))):
                ids = index.setdefault(key, [])
                if org.pk not in ids:
                    ids.append(org.pk)

    def add_near(self, org: Organisation) -> None:
        self._near.add(org.pk)
        self.add(org)

    def match(self, name: str) -> Organisation | None:
        if not name or not name.strip():
            return None
        for index, key in ((self._by_key, name_key(name)), (self._by_loose, loose_key(name))):
            ids = index.get(key, [])
            if ids:
                near = [i for i in ids if i in self._near]
                return self.organisations[(near or ids)[0]]
        return None


@dataclass
class OfficialMatcher:
    """Officials of the issuer's tree by person key; those of the issuer itself first."""

    issuer: Organisation
    officials: dict[int, Official]
    _by_key: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def for_issuer(
        cls, issuer: Organisation, parents: dict[int, int | None] | None = None
    ) -> OfficialMatcher:
        parents = organisation_parent_map() if parents is None else parents
        root = issuer.pk
        while (up := parents.get(root)) is not None:
            root = up
        tree = organisation_descendant_ids(root, parents)
        officials = list(
            Official.objects.filter(organisation_id__in=tree)
            .select_related("organisation")
            .order_by("full_name", "pk")
        )
        # The issuer's own people first: two officials of one name in the tree are told apart that way.
        officials.sort(key=lambda o: o.organisation_id != issuer.pk)
        matcher = cls(issuer=issuer, officials={})
        for official in officials:
            matcher.add(official)
        return matcher

    def add(self, official: Official) -> None:
        self.officials[official.pk] = official
        ids = self._by_key.setdefault(person_key(official.full_name), [])
        if official.pk not in ids:
            ids.append(official.pk)

    def match(self, name: str) -> Official | None:
        if not name or not name.strip():
            return None
        ids = self._by_key.get(person_key(name), [])
        return self.officials[ids[0]] if ids else None


def organisations_named(name: str) -> list[Organisation]:
    """Every stored organisation going by this name (exact key first, then without diacritics).

    For the command line, where the issuer is typed by hand and no tree is known yet.
    """
    if not name or not name.strip():
        return []
    orgs = list(Organisation.objects.order_by("name"))
    for key_of in (name_key, loose_key):
        wanted = key_of(name)
        found = [o for o in orgs if any(key_of(n) == wanted for n in o.all_names)]
        if found:
            return found
    return []
