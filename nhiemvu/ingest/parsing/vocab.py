"""Keyword vocabularies of Vietnamese administrative plans, kept apart from the rules that use them.

Everything here is lower case, NFC and in the new tone placement (``hóa``, ``ủy``): the text is
normalised that way before any rule runs. Sources: Decree 30/2020/NĐ-CP (document kinds, the
letterhead, "Nơi nhận", signature prefixes) and the usual wording of provincial work plans.
"""

from __future__ import annotations

# The document's kind word (the line above the title) -> the abbreviation of Decree 30/2020, Appendix III.
DOC_KINDS: dict[str, str] = {
    "kế hoạch": "KH",
    "quyết định": "QĐ",
    "báo cáo": "BC",
    "chỉ thị": "CT",
    "thông báo": "TB",
    "chương trình": "CTr",
    "đề án": "ĐA",
    "phương án": "PA",
    "hướng dẫn": "HD",
    "nghị quyết": "NQ",
    "kết luận": "KL",
}

# Lines of the letterhead that are not the issuer: the national motto and the Party's.
MOTTO_PREFIXES: tuple[str, ...] = ("cộng hòa xã hội chủ nghĩa", "độc lập", "đảng cộng sản việt nam")
# The mottos whole, dashes as spaces: a line that is a piece of one is a motto wrapped in its column.
MOTTOS: tuple[str, ...] = (
    "cộng hòa xã hội chủ nghĩa việt nam",
    "độc lập tự do hạnh phúc",
    "đảng cộng sản việt nam",
)

# A letterhead line that is only an administrative area belongs to the line above it:
# "ỦY BAN NHÂN DÂN / HUYỆN TAM NÔNG" is one body, while "UBND TỈNH X / SỞ Y TẾ" are two.
ADMIN_AREAS: tuple[str, ...] = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")

# Words that start the name of an issuing body; used to find the issuer in the body text when
# the letterhead is missing ("Sở Nông nghiệp và PTNT xây dựng Kế hoạch ...").
BODY_HEADS: tuple[str, ...] = (
    "sở",
    "ubnd",
    "ủy ban nhân dân",
    "ban",
    "chi cục",
    "cục",
    "phòng",
    "trung tâm",
    "văn phòng",
    "bộ",
    "tổng cục",
    "viện",
    "trường",
    "bệnh viện",
    "đài",
    "hội",
    "liên minh",
)
ISSUER_VERBS: tuple[str, ...] = ("xây dựng", "ban hành")

# Opening words of the preamble: the title ends before them.
PREAMBLE_WORDS: tuple[str, ...] = ("căn cứ", "thực hiện", "triển khai", "để", "nhằm", "theo", "trên cơ sở")

# Roman-numeral sections by what they hold. Checked in this order: "MỤC TIÊU VÀ NHIỆM VỤ" holds
# tasks, while "MỤC TIÊU, CHỈ TIÊU" does not (numbered items under Mục tiêu are not tasks).
SECTION_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("organisation", ("tổ chức thực hiện", "kinh phí", "chế độ báo cáo", "trách nhiệm")),
    ("tasks", ("nhiệm vụ", "nội dung", "giải pháp", "phân công", "danh mục")),
    ("purpose", ("mục đích", "yêu cầu", "mục tiêu", "quan điểm", "căn cứ", "chỉ tiêu", "kết quả")),
)

# Labels of a task's field lines ("- Đơn vị chủ trì: ...").  Alternatives are regex fragments.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "leader": (
        r"lãnh\s+đạo(?:\s+sở|\s+ubnd|\s+ủy\s+ban)?(?:\s+trực\s+tiếp)?\s+(?:chỉ\s+đạo|phụ\s+trách|theo\s+dõi)",
        r"lãnh\s+đạo\s+(?:sở\s+)?phụ\s+trách",
        r"người\s+chỉ\s+đạo",
        # "Phụ trách: Đ/c Lâm Văn Sơn, PCT UBND xã": a person (an honorific follows), not a unit
        r"(?:người\s+)?phụ\s+trách(?=\s*[:：]\s*(?:đ\s*/\s*c|đồng\s+chí|ông|bà)\b)",
    ),
    "lead_unit": (
        r"(?:đơn\s+vị|cơ\s+quan|bộ\s+phận|phòng)\s+chủ\s+trì(?:\s*,?\s*(?:tham\s+mưu\s+)?(?:thực\s+hiện|tham\s+mưu(?:\s+thực\s+hiện)?))?",
        r"chủ\s+trì(?:\s+thực\s+hiện)?",
    ),
    "support_units": (
        r"(?:đơn\s+vị|cơ\s+quan|bộ\s+phận)\s+phối\s+hợp(?:\s+thực\s+hiện)?",
        r"phối\s+hợp(?:\s+thực\s+hiện)?",
    ),
    "deadline": (
        r"thời\s+(?:gian|hạn)(?:\s+(?:hoàn\s+thành|thực\s+hiện))?",
        r"tiến\s+độ(?:\s+(?:hoàn\s+thành|thực\s+hiện))?",
    ),
    "product": (r"sản\s+phẩm(?:\s+đầu\s+ra)?", r"kết\s+quả(?:\s+đầu\s+ra)?"),
}

# Header cells of a task table, by column role. First match wins, in this order.
TABLE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("code", ("stt", "tt", "số tt", "số thứ tự")),
    ("support_units", ("phối hợp",)),
    ("lead_unit", ("chủ trì",)),
    ("leader", ("lãnh đạo", "chỉ đạo")),
    ("deadline", ("thời gian", "thời hạn", "tiến độ")),
    ("product", ("sản phẩm", "kết quả")),
    ("title", ("nội dung", "nhiệm vụ", "tên")),
    # after "title": "Nội dung, chỉ tiêu" is the content column; a column of its own holds targets
    ("targets", ("chỉ tiêu", "mục tiêu")),
)

# Honorifics before a leader's name.
HONORIFICS: tuple[str, ...] = ("đồng chí", "đ/c", "đ/ c", "ông", "bà")

# Signature prefixes (Decree 30/2020, art. 8): the signer's own title is the line after them.
SIGN_PREFIXES: tuple[str, ...] = ("kt.", "tm.", "tl.", "tuq.", "q.", "kt ", "tm ", "tl ")

# Notes that follow a recipient ("UBND tỉnh (b/c);").
RECIPIENT_NOTES_RE = r"\((?:để\s+)?(?:b/c|báo\s+cáo|biết|thực\s+hiện|t/h|p/h|phối\s+hợp|chỉ\s+đạo|đ/b)[^)]*\)"

# Where the compiler's name ends in "Phòng X chịu trách nhiệm theo dõi ..." (lower case only, so
# that the capitalised "Tổng hợp" in "Phòng Kế hoạch - Tài chính - Tổng hợp" stays in the name).
COMPILER_VERBS: tuple[str, ...] = (
    "chịu trách nhiệm",
    "có trách nhiệm",
    "chủ trì",
    "là đầu mối",
    "là cơ quan",
    "làm đầu mối",
    "theo dõi",
    "tổng hợp",
    "đôn đốc",
    "giúp",
    "tham mưu",
    "là",
)

# Measure words (units) of more than one word, so "50 doanh nghiệp, hợp tác xã" gives
# "doanh nghiệp" rather than "doanh". Longest first when matching.
MULTIWORD_UNITS: tuple[str, ...] = (
    "tỷ đồng",
    "triệu đồng",
    "nghìn đồng",
    "ngàn đồng",
    "triệu usd",
    "tỷ usd",
    "nghìn usd",
    "nghìn tấn",
    "triệu tấn",
    "nghìn ha",
    "doanh nghiệp",
    "hợp tác xã",
    "tổ hợp tác",
    "sản phẩm",
    "phòng học",
    "giường bệnh",
    "bác sĩ",
    "giáo viên",
    "học sinh",
    "sinh viên",
    "điểm trường",
    "điểm đen",
    "hội nghị",
    "lớp tập huấn",
    "kỹ thuật",
    "phiên chợ",
    "lượt người",
    "lao động",
    "hộ gia đình",
    "héc ta",
    "cơ sở",
    "công trình",
    "dự án",
    "mô hình",
    "thủ tục",
    "hồ sơ",
    "văn bản",
    "cuộc thanh tra",
    "cuộc kiểm tra",
    # counted nouns of two syllables common in district and commune plans (GENERAL, not in the corpus)
    "tài khoản",
    "cán bộ",
    "công chức",
    "viên chức",
    "đảng viên",
    "hội viên",
    "đoàn viên",
    "người dân",
    "hộ dân",
    "hộ nghèo",
    "lượt khách",
    "khách du lịch",
    "bệnh viện",
    "trạm y tế",
    "cửa hàng",
    "nhà văn hóa",
    "căn nhà",
    "căn hộ",
    "cụm công nghiệp",
    "khu công nghiệp",
    "làng nghề",
    "tuyến đường",
    "thủ tục hành chính",
    "dịch vụ công",
    "tin bài",
    "lượt truy cập",
)

# Measure words that qualify rather than count: "đạt 3 sao", "trẻ em dưới 1 tuổi", "5 năm".
NON_TARGET_UNITS: tuple[str, ...] = (
    "sao",
    "tuổi",
    "năm",
    "tháng",
    "ngày",
    "giờ",
    "tuần",
    "quý",
    "tiêu chí",
    "nhóm",
    "chương trình",
    "nội dung",
    "giai đoạn",
    "bước",
    "cấp",
    "dân",
)

# Words just before a count that make it describe scope, not a result to reach ("thuộc 04 chuỗi",
# "trên cả 3 tiêu chí", "hiện có 04 xã").
SCOPE_WORDS: tuple[str, ...] = ("thuộc", "cả", "trong số", "trong tổng số", "hiện có", "gồm", "của")

# Relative change verbs: the target is a change, not a level.
CHANGE_WORDS: dict[str, str] = {"tăng": "increase", "giảm": "decrease", "kéo giảm": "decrease"}

# Report frequencies in "Tổ chức thực hiện" ("báo cáo định kỳ hằng quý, 6 tháng và năm").
FREQUENCY_WORDS: dict[str, str] = {"tháng": "monthly", "quý": "quarterly", "năm": "yearly"}

# What a measure word measures, to name a target whose clause names only a verb: "Trồng 9.000 ha"
# is "diện tích trồng" (the area planted), "Giải ngân 200 tỷ đồng" is "giá trị giải ngân". Units
# that are counted things ("phòng học", "doanh nghiệp") name themselves instead. Keys are the unit
# as written, lower case; a unit not listed here is a counted thing.
MEASURE_NAMES: dict[str, str] = {
    "ha": "diện tích",
    "héc ta": "diện tích",
    "nghìn ha": "diện tích",
    "m2": "diện tích",
    "km2": "diện tích",
    "km": "chiều dài",
    "m": "chiều dài",
    "tấn": "sản lượng",
    "nghìn tấn": "sản lượng",
    "triệu tấn": "sản lượng",
    "tạ": "sản lượng",
    "tấn/ha": "năng suất",
    "tạ/ha": "năng suất",
    "m3": "khối lượng",
    "đồng": "giá trị",
    "nghìn đồng": "giá trị",
    "ngàn đồng": "giá trị",
    "triệu đồng": "giá trị",
    "tỷ đồng": "giá trị",
    "usd": "giá trị",
    "nghìn usd": "giá trị",
    "triệu usd": "giá trị",
    "tỷ usd": "giá trị",
    "kwh": "điện năng",
    "mw": "công suất",
}

# Field lines of a task's body that state its targets ("- Chỉ tiêu: 100% ...", "Mục tiêu cụ thể:
# ..."): the quantities on them are targets even though the heading states none.
TARGET_LABELS: tuple[str, ...] = (
    r"(?:các\s+)?chỉ\s+tiêu",
    r"(?:các\s+)?mục\s+tiêu",
    r"kết\s+quả\s+(?:cần|phải|phấn\s+đấu)\s+đạt(?:\s+được)?",
)
