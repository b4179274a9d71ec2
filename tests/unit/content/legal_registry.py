"""A small legal-document registry of real documents, for the citation and warning tests.

A plain module rather than part of conftest.py, because test modules cannot import a conftest
reliably (see sample_course.py).
"""

from pathlib import Path

from lms.content.legal import Registry, read_registry

REGISTRY_YAML = """\
61/2018/NĐ-CP:
  type: Nghị định
  title: Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính
  issuer: Chính phủ
  issued: 23/04/2018
  in_force: 21/06/2018
  ceased: 01/07/2025
  replaced_by: 118/2025/NĐ-CP
  amended_by: 107/2021/NĐ-CP
107/2021/NĐ-CP:
  type: Nghị định
  title: Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP
  issuer: Chính phủ
  issued: 06/12/2021
  ceased: 01/07/2025
  replaced_by: 118/2025/NĐ-CP
118/2025/NĐ-CP:
  type: Nghị định
  title: Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông
  issuer: Chính phủ
  issued: 09/06/2025
  in_force: 01/07/2025
  source: https://en.vneconomy.vn/one-stop-shop-divisions-to-be-established-at-ministerial-provincial-communal-levels.htm
02/2017/TT-VPCP:
  type: Thông tư
  title: Hướng dẫn nghiệp vụ về kiểm soát thủ tục hành chính
  issuer: Văn phòng Chính phủ
  issued: 31/10/2017
01/2018/TT-VPCP:
  type: Thông tư
  title: Hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP
  issuer: Văn phòng Chính phủ
  issued: 23/11/2018
01/2018/TT-BNV:
  type: Thông tư
  title: Hướng dẫn một số điều của Nghị định số 101/2017/NĐ-CP
  issuer: Bộ Nội vụ
22/2008/QH12:
  type: Luật
  title: Luật Cán bộ, công chức
  issuer: Quốc hội
  issued: 13/11/2008
  ceased: 01/07/2025
  replaced_by: 80/2025/QH15
  names: ["Luật Cán bộ, công chức", Luật CBCC]
80/2025/QH15:
  type: Luật
  title: Luật Cán bộ, công chức
  issuer: Quốc hội
  issued: 24/06/2025
  in_force: 01/07/2025
  names: ["Luật Cán bộ, công chức", Luật CBCC]
24/2018/QH14:
  type: Luật
  title: Luật An ninh mạng
  issuer: Quốc hội
  issued: 12/06/2018
  ceased: 01/07/2026
  replaced_by: 116/2025/QH15
  names: [Luật An ninh mạng]
116/2025/QH15:
  type: Luật
  title: Luật An ninh mạng
  issuer: Quốc hội
  issued: 10/12/2025
  in_force: 01/07/2026
  names: [Luật An ninh mạng]
24/CT-TTg:
  type: Chỉ thị
  title: Về đẩy mạnh giải pháp công nghệ gắn với dữ liệu dân cư, định danh và xác thực điện tử
  issuer: Thủ tướng Chính phủ
66.7/2025/NQ-CP:
  type: Nghị quyết
  title: Quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu
  issuer: Chính phủ
  issued: 15/11/2025
  in_force: 01/01/2026
  ceased: 01/03/2027
"""


def make_registry(tmp_path: Path, extra: str = "") -> Registry:
    """The registry above, plus `extra` entries in a second file (a province's own)."""
    shipped = tmp_path / "legal-documents.yaml"
    shipped.write_text(REGISTRY_YAML, encoding="utf-8")
    paths = [shipped]
    if extra:
        province = tmp_path / "province.yaml"
        province.write_text(extra, encoding="utf-8")
        paths.append(province)
    problems: list = []
    registry = read_registry(paths, problems)
    assert problems == []
    return registry
