"""A partner's own web page, on an origin of its own: it frames the page its ?frame= names, as a
partner's site embeds MedShare's H5 square."""

from html import escape

from werkzeug.wrappers import Request, Response

TITLE = "合作方页面"


@Request.application
def partner_page(request: Request) -> Response:
    frame = escape(request.args.get("frame", ""))
    return Response(
        f"""<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{TITLE}</title></head>
<body>
  <h1>{TITLE}</h1>
  <iframe src="{frame}" title="药品互助广场" width="360" height="640"></iframe>
</body>
</html>""",
        mimetype="text/html",
    )
