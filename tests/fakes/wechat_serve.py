"""The fake WeChat as `make run` serves it, so signing in inside WeChat works on a laptop.

    python -m tests.fakes.wechat_serve HOST PORT

It takes the same settings the app reads (WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_OA_APP_ID,
WECHAT_OA_APP_SECRET) and registers H5_ORIGIN's host for web authorisation. Each browser is a
WeChat user of its own, kept in a cookie on the fake's origin. Production refuses to talk to it:
its URL is not https.
"""

import os
import sys
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from tests.fakes.wechat import FakeWeChat


def main(host: str, port: str) -> None:
    fake = FakeWeChat(
        os.environ["WECHAT_APP_ID"],
        os.environ["WECHAT_APP_SECRET"],
        oa_app_id=os.environ["WECHAT_OA_APP_ID"],
        oa_app_secret=os.environ["WECHAT_OA_APP_SECRET"],
        web_domains=(urlsplit(os.environ["H5_ORIGIN"]).hostname,),
    )
    server = make_server(host, int(port), fake, threaded=True)
    print(f"fake WeChat for make run on http://{host}:{port}", flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
