// The public API, and the signed-in session's tokens. Problems (RFC 9457) become ApiProblem,
// whose `errors` map field paths ("items.0.quantity") to messages in the page's language.
import { LANGUAGE } from "./i18n.js";

const BASE = "/api/v1";
const TOKENS_KEY = "medshare.h5.tokens";
const PARTNER_HEADER = "X-Partner";
// A key's public id is lower-case letters; anything else in ?partner= names no partner, and
// some of it (a newline, a Chinese character) no header may carry.
const PUBLIC_ID = /^[a-z]+$/;
// The API's answers when X-Partner names no working key (revoked, a partner suspended) or this
// page is not on MedShare's H5 origin.
const PARTNER_REFUSALS = new Set(["partner_link_invalid", "partner_link_not_from_h5"]);
const listeners = new Set();

// ?partner=<public id of a partner's public embed key>: the partner whose link opened the page.
// Its public id goes with every call, so posts made here are in the partner's channel; never a
// secret, which a page cannot keep.
let partner = new URLSearchParams(location.search).get("partner");
if (!PUBLIC_ID.test(partner || "")) partner = null;

export class ApiProblem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || "network";
    this.title = body?.title || "";
    this.errors = body?.errors || {};
  }

  /** The messages of one field, joined. */
  fieldError(field) {
    return (this.errors[field] || []).join(" ");
  }
}

function readTokens() {
  try {
    return JSON.parse(localStorage.getItem(TOKENS_KEY)) || null;
  } catch {
    return null;
  }
}

let tokens = readTokens();

export function signedIn() {
  return tokens !== null;
}

/** Keep a new token pair (or forget it with null) and tell the views. */
export function setTokens(pair) {
  tokens = pair ? { access: pair.access_token, refresh: pair.refresh_token } : null;
  if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  else localStorage.removeItem(TOKENS_KEY);
  for (const listener of listeners) listener(signedIn());
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function url(path, query) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    const text = Array.isArray(value) ? value.join(",") : value;
    if (text === undefined || text === null || text === "") continue;
    search.set(name, String(text));
  }
  const text = search.toString();
  return `${BASE}${path}${text ? `?${text}` : ""}`;
}

async function exchange(path, { method = "GET", body, query, headers = {}, bearer } = {}) {
  const sent = { Accept: "application/json", "Accept-Language": LANGUAGE, ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (bearer) sent.Authorization = `Bearer ${bearer}`;
  if (partner) sent[PARTNER_HEADER] = partner;
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, null);
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiProblem(response.status, answer);
  return answer;
}

/** Whether the problem refused the link's partner, which the page then forgets. */
function droppedPartner(problem) {
  if (!partner || !PARTNER_REFUSALS.has(problem.code)) return false;
  // The link's partner does not work (any more): the page goes on as MedShare's own.
  partner = null;
  return true;
}

/** One call, with the link's partner while the API takes it. */
async function send(path, options) {
  try {
    return await exchange(path, options);
  } catch (problem) {
    if (!droppedPartner(problem)) throw problem;
    // Refused before it did anything: sending it again is safe.
    return exchange(path, options);
  }
}

/** The partner of the page's link, as the API knows it ({code, name, region}), or null. */
export async function linkedPartner() {
  if (!partner) return null;
  try {
    return await exchange("/partners/current");
  } catch (problem) {
    droppedPartner(problem);
    return null;
  }
}

/** Call the API, signed in when a session is kept; an expired access token is refreshed once. */
export async function api(path, options = {}) {
  if (!tokens) return send(path, options);
  try {
    return await send(path, { ...options, bearer: tokens.access });
  } catch (problem) {
    if (!(problem instanceof ApiProblem) || problem.code !== "token_expired") {
      if (problem.status === 401 && ["token_revoked", "account_unavailable"].includes(problem.code)) {
        setTokens(null);
      }
      throw problem;
    }
  }
  try {
    setTokens(await send("/auth/refresh", { method: "POST", bearer: tokens.refresh }));
  } catch (problem) {
    setTokens(null);
    throw problem;
  }
  return send(path, { ...options, bearer: tokens.access });
}

export async function signOut() {
  try {
    await api("/auth/logout", { method: "POST" });
  } finally {
    setTokens(null);
  }
}
