"""The ceiling: a bare Flask app with one small HTML page, served exactly like the LMS.

Whatever the LMS adds on top of Flask and gunicorn (database, session, templates, security
headers) shows up as the gap between a scenario and this page measured in the same run.
"""

from flask import Flask

PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>Xin chào</title></head>
<body><h1>Xin chào</h1><p>Trang đơn giản nhất mà Flask có thể phục vụ.</p></body>
</html>
"""


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/")
    def hello() -> tuple[str, int, dict[str, str]]:
        return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}

    return app
