// Where the reader is: from wx.getLocation inside WeChat (GCJ-02, sent as such), the
// Geolocation API elsewhere (WGS-84), or the centre of a district the reader picks. It goes
// nowhere but our API, and is kept for this tab only.
import { api } from "./api.js";
import { inWeChat, wechatSdk } from "./wechat.js";

const PLACE_KEY = "medshare.h5.place";
const GEOLOCATION_TIMEOUT_MS = 10000;
const POSITION_MAX_AGE_MS = 60000;

/** The coordinate system answers should come in: the place's, or WeChat's own map's. */
export function readerSystem(place) {
  return place?.coordinate_system || (inWeChat ? "gcj02" : "wgs84");
}

export function keptPlace() {
  try {
    return JSON.parse(sessionStorage.getItem(PLACE_KEY));
  } catch {
    return null;
  }
}

export function keepPlace(place) {
  if (place) sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
  else sessionStorage.removeItem(PLACE_KEY);
  return place;
}

function fromWeChat() {
  return wechatSdk().then(
    (wx) =>
      new Promise((resolve, reject) =>
        wx.getLocation({
          type: "gcj02",
          success: (found) =>
            resolve({ lat: found.latitude, lng: found.longitude, coordinate_system: "gcj02" }),
          fail: reject,
          cancel: reject,
        }),
      ),
  );
}

function fromBrowser() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error("no geolocation"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          lat: position.coords.latitude,
          lng: position.coords.longitude,
          coordinate_system: "wgs84",
        }),
      reject,
      { timeout: GEOLOCATION_TIMEOUT_MS, maximumAge: POSITION_MAX_AGE_MS },
    );
  });
}

/** The reader's own position, asked of WeChat (or the browser, when WeChat's SDK is not to be
 * had) or the browser; rejects if refused. */
export async function locate() {
  const found = inWeChat ? await fromWeChat().catch(fromBrowser) : await fromBrowser();
  return keepPlace({ ...found, source: "device" });
}

/** A picked district as the reader's place: its centre, in the system the page speaks. */
export async function districtPlace(code) {
  const system = readerSystem(null);
  const found = await api(`/districts/${code}`, { query: { coordinate_system: system } });
  return keepPlace({
    lat: found.centre.lat,
    lng: found.centre.lng,
    coordinate_system: system,
    source: "district",
    name: found.name,
  });
}

/** Open WeChat's own map at a post's rough (grid) point. */
export async function openInWeChatMap(point, name) {
  const wx = await wechatSdk();
  wx.openLocation({ latitude: point.lat, longitude: point.lng, name, address: name, scale: 15 });
}
