// The H5 square: one page whose views live in the URL's #fragment (#/, #/posts/42, #/new,
// #/me), so the page's URL, which WeChat's JS-SDK signs, never changes while the reader moves.
import "./app.css";
import { html } from "htm/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { linkedPartner, onSessionChange, signedIn } from "./api.js";
import { LANGUAGE, otherLanguageUrl, t } from "./i18n.js";
import { keptPlace } from "./place.js";
import { Loading } from "./views/common.js";
import { ComposeView } from "./views/compose.js";
import { MeView } from "./views/me.js";
import { PostView } from "./views/post.js";
import { SquareView } from "./views/square.js";
import { wechatSignIn } from "./wechat.js";

const REGION = /^[0-9]{6}$/;

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const post = hash.match(/^\/posts\/(\d+)$/);
  if (post) return { name: "post", id: post[1] };
  if (hash === "/new") return { name: "new" };
  if (hash === "/me") return { name: "me" };
  return { name: "square" };
}

function initialFilters(partner) {
  // ?region=<district code>: a link that opens the square narrowed to an area.
  const region = new URLSearchParams(location.search).get("region");
  return {
    sort: "distance",
    kind: "",
    medicines: [],
    urgency: "",
    district: region && REGION.test(region) ? { code: region, name: region } : null,
    preset: presetArea(partner),
  };
}

// A partner's link opens the square on the partner's preset region: the API applies it to every
// call of the link's that names no area, so the page names none for it and only shows it; an
// area the reader chooses (or ?region=) wins over it, and clearing that comes back to it.
function presetArea(partner) {
  const names = (partner?.region || []).map((division) => division.name).filter(Boolean);
  return names.length > 0 ? { name: names.join("、") } : null;
}

function Nav({ current }) {
  const links = [
    ["square", "#/", t("nav_square")],
    ["new", "#/new", t("nav_new")],
    ["me", "#/me", t("nav_me")],
  ];
  return html`
    <nav class="nav" aria-label=${t("nav_label")}>
      <ul class="nav__list">
        ${links.map(
          ([name, href, label]) => html`
            <li key=${name}>
              <a class="nav__link" href=${href} aria-current=${current === name ? "page" : undefined}>${label}</a>
            </li>
          `,
        )}
      </ul>
      <a class="nav__language" href=${otherLanguageUrl()} lang=${LANGUAGE === "en" ? "zh-CN" : "en"}>
        ${t("other_language")}
      </a>
    </nav>
  `;
}

function App({ notice, partner }) {
  const [current, setCurrent] = useState(route);
  const [place, setPlace] = useState(keptPlace);
  const [filters, setFilters] = useState(() => initialFilters(partner));
  const [, setSession] = useState(signedIn());

  useEffect(() => {
    const follow = () => {
      setCurrent(route());
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", follow);
    const stop = onSessionChange(setSession);
    return () => {
      window.removeEventListener("hashchange", follow);
      stop();
    };
  }, []);

  let view;
  if (current.name === "post") view = html`<${PostView} id=${current.id} place=${place} key=${current.id} />`;
  else if (current.name === "new") view = html`<${ComposeView} place=${place} onPlace=${setPlace} />`;
  else if (current.name === "me") view = html`<${MeView} notice=${notice} />`;
  else view = html`<${SquareView} place=${place} onPlace=${setPlace} filters=${filters} setFilters=${setFilters} />`;
  return html`
    <header class="header">
      <p class="header__brand">${t("title")}</p>
      ${partner && html`<p class="header__partner">${t("via_partner", { name: partner.name })}</p>`}
      <${Nav} current=${current.name} />
    </header>
    <main class="page">${view}</main>
  `;
}

async function start() {
  const root = document.getElementById("app");
  document.documentElement.lang = LANGUAGE === "en" ? "en" : "zh-CN";
  render(html`<main class="page"><${Loading} /></main>`, root);
  // Inside WeChat: signed in silently first (or told why not), then the page; and the partner
  // whose link opened it, if any.
  const [notice, partner] = await Promise.all([wechatSignIn(), linkedPartner()]);
  render(html`<${App} notice=${notice} partner=${partner} />`, root);
}

start();
