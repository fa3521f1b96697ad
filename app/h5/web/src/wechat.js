// Inside WeChat's own browser: silent sign-in through the official account's web authorisation,
// and the JS-SDK (wx.getLocation in GCJ-02, wx.openLocation). Other browsers never load the SDK.
import { api, setTokens, signedIn } from "./api.js";

const TRIED_KEY = "medshare.h5.wechat-tried";
// wx.config answers through WeChat's native bridge; a browser that only says it is WeChat's
// (or a WeChat that refuses the page) never answers, and the page goes on without the SDK.
const SDK_TIMEOUT_MS = 8000;
const HASH_KEY = "medshare.h5.wechat-hash";

export const inWeChat = /MicroMessenger/i.test(navigator.userAgent);

let sdk = null;

/** WeChat's JS-SDK, configured for this page; rejects if WeChat refuses the configuration. */
export function wechatSdk() {
  if (!sdk) {
    sdk = (async () => {
      const { default: wx } = await import("weixin-js-sdk");
      // The signature covers the page's URL without its #fragment, where the page's views live.
      const config = await api("/wechat/jssdk-config", {
        query: { url: location.href.split("#")[0] },
      });
      await new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error("wx.config did not answer")), SDK_TIMEOUT_MS);
        wx.config({ ...config, debug: false, jsApiList: ["getLocation", "openLocation"] });
        wx.ready(resolve);
        wx.error(reject);
      });
      return wx;
    })();
    sdk.catch(() => {
      sdk = null;
    });
  }
  return sdk;
}

/**
 * Sign in silently inside WeChat. Coming back from WeChat with ?code= and ?state=, trade them
 * for tokens and clean the URL; otherwise, once per tab, start an authorisation and leave for
 * WeChat's page. Resolves to a problem to show (snapshot readers, refusals) or null.
 */
export async function wechatSignIn() {
  if (!inWeChat || signedIn()) return null;
  const params = new URLSearchParams(location.search);
  if (params.has("code") && params.has("state")) {
    const body = { code: params.get("code"), state: params.get("state") };
    params.delete("code");
    params.delete("state");
    const query = params.toString();
    const hash = sessionStorage.getItem(HASH_KEY) || "";
    sessionStorage.removeItem(HASH_KEY);
    // A reload must not send the used code again, nor show it.
    history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${hash}`);
    try {
      setTokens(await api("/auth/wechat/web", { method: "POST", body }));
      return null;
    } catch (problem) {
      return problem;
    }
  }
  if (sessionStorage.getItem(TRIED_KEY)) return null;
  sessionStorage.setItem(TRIED_KEY, "1");
  sessionStorage.setItem(HASH_KEY, location.hash);
  try {
    const started = await api("/auth/wechat/web/authorizations", {
      method: "POST",
      body: { return_to: location.href.split("#")[0] },
    });
    location.replace(started.authorize_url);
    return new Promise(() => {}); // the page is leaving
  } catch (problem) {
    return problem;
  }
}
