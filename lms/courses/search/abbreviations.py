"""The field's abbreviations, both ways: a search for "CNTT" finds "công nghệ thông tin", and a
search for "công nghệ thông tin" finds "CNTT". Data only; `query` reads it.

Sources named below: "articles" are the news articles on CCHC training in the team's shared
sources (000–004: Đà Nẵng, Lạng Sơn, Đồng Tháp, Hà Nội...); "courses" are the shipped course
texts; "issue 14" is the usability report that lists what officials type.
"""

#: Each entry holds the spellings of one notion; a search for any of them finds every other.
#: Spellings are written as people write them: case, diacritics and punctuation do not matter.
ABBREVIATIONS: tuple[tuple[str, ...], ...] = (
    # Articles 000 and 003; the IT-skills course and its standard (Chuẩn kỹ năng sử dụng CNTT).
    ("CNTT", "công nghệ thông tin"),
    # Articles 001–004; used throughout the courses (over 100 times).
    ("TTHC", "thủ tục hành chính"),
    # Articles 000, 002, 003; the name of the national programme (Nghị quyết 76/NQ-CP).
    ("CCHC", "cải cách hành chính"),
    # Issue 14; the expansion is the portal's own name (Cổng Dịch vụ công quốc gia, courses).
    ("DVC", "dịch vụ công"),
    # Issue 14; "dịch vụ công trực tuyến" in articles 002 and 004 and over 40 times in the courses.
    ("DVCTT", "dịch vụ công trực tuyến", "DVC trực tuyến"),
    # Issue 14; the desk's legal name (Nghị định 118/2025/NĐ-CP), in articles 000, 001, 003, 004.
    ("BPMC", "bộ phận một cửa"),
    # Article 000 ("CBCCVC"); the usual collective name of the people this LMS trains.
    ("CBCCVC", "cán bộ, công chức, viên chức"),
    # Article 001 ("CBCC").
    ("CBCC", "cán bộ, công chức"),
    # Issue 14; as in "Trung tâm Phục vụ hành chính công" (articles 001, courses).
    ("HCC", "hành chính công"),
    # Articles 000–004 and the courses.
    ("UBND", "ủy ban nhân dân"),
    # Article 001 and the courses.
    ("HĐND", "hội đồng nhân dân"),
    # Legal document numbers in the courses: "118/2025/NĐ-CP", "76/NQ-CP", "06/QĐ-TTg".
    ("NĐ", "nghị định"),
    ("NQ", "nghị quyết"),
    ("QĐ", "quyết định"),
)
