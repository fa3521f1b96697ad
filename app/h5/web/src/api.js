// The public API, and the signed-in session's tokens. Problems (RFC 9457) become ApiProblem,
// whose `errors` map field paths ("items.0.quantity") to messages in the page's language.
import { LANGUAGE } from "./i18n.js";

const BASE = "/api/v1";
const TOKENS_KEY = "medshare.h5.tokens";
const listeners = new Set();

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

async function send(path, { method = "GET", body, query, headers = {}, bearer } = {}) {
  const sent = { Accept: "application/json", "Accept-Language": LANGUAGE, ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (bearer) sent.Authorization = `Bearer ${bearer}`;
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
