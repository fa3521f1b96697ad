// A post by its link: its public view for anyone (with the owner's extras for its owner), the
// matching posts of the other kind, revealing its contact, reporting it; for its owner,
// resolving, renewing, appealing and who saw the number.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api, signedIn } from "../api.js";
import { t, when } from "../i18n.js";
import { openInWeChatMap, readerSystem } from "../place.js";
import { inWeChat } from "../wechat.js";
import {
  Field,
  itemText,
  Loading,
  Notice,
  ProblemNotice,
  useAction,
  useLoaded,
  ViewHeading,
} from "./common.js";
import { PostCard } from "./square.js";

const REPORT_REASONS = ["trading", "fake", "privacy_leak", "abusive", "already_resolved", "other"];
const MATCHES_SHOWN = 5;

function SignInFirst() {
  return html`<p class="notice">${t("sign_in_to_continue")} <a href="#/me">${t("go_sign_in")}</a></p>`;
}

function Contact({ post }) {
  const reveal = useAction();
  const [contact, setContact] = useState(null);
  if (!signedIn()) return html`<${SignInFirst} />`;
  if (contact) {
    return html`
      <dl class="contact" aria-live="polite">
        <dt>${t("contact_phone")}</dt>
        <dd><a href=${`tel:${contact.phone}`} aria-label=${t("call", { phone: contact.phone })}>${contact.phone}</a></dd>
        ${contact.address_hint && html`<dt>${t("contact_hint")}</dt><dd>${contact.address_hint}</dd>`}
        <dt>${t("poster")}</dt>
        <dd>${contact.poster_name}</dd>
      </dl>
    `;
  }
  return html`
    <div class="reveal">
      <button
        type="button"
        class="weui-btn weui-btn_primary"
        disabled=${reveal.busy}
        onClick=${() => reveal.run(async () => setContact(await api(`/posts/${post.id}/contact`, { method: "POST" })))}
      >${t("reveal")}</button>
      <p class="field__hint">${t("reveal_note")}</p>
      <${ProblemNotice} problem=${reveal.problem} />
    </div>
  `;
}

function ReportForm({ post }) {
  const [reason, setReason] = useState(REPORT_REASONS[0]);
  const [note, setNote] = useState("");
  const [sent, setSent] = useState(false);
  const sending = useAction();
  if (!signedIn()) return null;
  if (sent) return html`<${Notice}>${t("report_sent")}</${Notice}>`;
  async function submit(event) {
    event.preventDefault();
    await sending.run(async () => {
      await api(`/posts/${post.id}/reports`, { method: "POST", body: { reason, note } });
      setSent(true);
    });
  }
  return html`
    <details class="report">
      <summary>${t("report")}</summary>
      <form onSubmit=${submit} novalidate>
        <${Field}
          label=${t("report_reason")}
          name="reason"
          error=${sending.problem?.fieldError("reason")}
          control=${(props) => html`
            <select ...${props} class="field__control" value=${reason} onChange=${(event) => setReason(event.currentTarget.value)}>
              ${REPORT_REASONS.map((code) => html`<option value=${code}>${t(`reason_${code}`)}</option>`)}
            </select>
          `}
        />
        <${Field}
          label=${t("report_note")}
          name="note"
          error=${sending.problem?.fieldError("note")}
          control=${(props) => html`
            <textarea ...${props} class="field__control" rows="2" maxlength="500" value=${note} onInput=${(event) => setNote(event.currentTarget.value)}></textarea>
          `}
        />
        <${ProblemNotice} problem=${sending.problem} />
        <button type="submit" class="weui-btn weui-btn_default" disabled=${sending.busy}>${t("report_send")}</button>
      </form>
    </details>
  `;
}

function Matches({ post, place }) {
  const system = readerSystem(place);
  const matches = useLoaded(() => {
    if (post.is_own) {
      return api(`/posts/${post.id}/matches`, { query: { coordinate_system: system } });
    }
    // Anyone's: the open posts of the other kind sharing a medicine, nearest the post's
    // rough place, from the public square.
    const at = post.approximate_location;
    return api("/posts", {
      query: {
        lat: at.lat,
        lng: at.lng,
        coordinate_system: at.coordinate_system,
        kind: post.kind === "need" ? "offer" : "need",
        medicine: post.items.map((item) => item.medicine.code),
        limit: MATCHES_SHOWN,
      },
    }).then((page) => page.posts);
  }, [post.id]);
  return html`
    <section class="matches" aria-labelledby="matches-heading">
      <h2 id="matches-heading" class="section__title">${t(post.kind === "need" ? "matches_need" : "matches_offer")}</h2>
      ${matches.loading && html`<${Loading} />`}
      <${ProblemNotice} problem=${matches.problem} />
      ${matches.value?.length === 0 && html`<p class="empty">${t("no_matches")}</p>`}
      <ul class="posts">${(matches.value || []).map((match) => html`<${PostCard} post=${match} key=${match.id} />`)}</ul>
    </section>
  `;
}

function Reveals({ post }) {
  const reveals = useLoaded(() => api(`/posts/${post.id}/contact-reveals`), [post.id]);
  return html`
    <section aria-labelledby="reveals-heading">
      <h2 id="reveals-heading" class="section__title">${t("reveals_heading")}</h2>
      ${reveals.loading && html`<${Loading} />`}
      <${ProblemNotice} problem=${reveals.problem} />
      ${reveals.value?.length === 0 && html`<p class="empty">${t("reveals_none")}</p>`}
      <ul class="reveals">
        ${(reveals.value || []).map(
          (reveal) => html`<li>${t("reveal_row", { name: reveal.viewer_name, time: when(reveal.revealed_at) })}</li>`,
        )}
      </ul>
    </section>
  `;
}

function AppealForm({ post, onChanged }) {
  const [note, setNote] = useState("");
  const sending = useAction();
  async function submit(event) {
    event.preventDefault();
    const changed = await sending.run(() => api(`/posts/${post.id}/appeal`, { method: "POST", body: { note } }));
    if (changed) onChanged(changed, t("appeal_sent"));
  }
  return html`
    <form class="appeal" onSubmit=${submit} novalidate>
      <h2 class="section__title">${t("appeal")}</h2>
      <${Field}
        label=${t("appeal_note")}
        name="note"
        error=${sending.problem?.fieldError("note")}
        control=${(props) => html`
          <textarea ...${props} class="field__control" rows="3" value=${note} onInput=${(event) => setNote(event.currentTarget.value)}></textarea>
        `}
      />
      <${ProblemNotice} problem=${sending.problem} />
      <button type="submit" class="weui-btn weui-btn_default" disabled=${sending.busy}>${t("appeal_send")}</button>
    </form>
  `;
}

function OwnerTools({ post, onChanged }) {
  const acting = useAction();
  async function act(path, message) {
    const changed = await acting.run(() => api(`/posts/${post.id}/${path}`, { method: "POST" }));
    if (changed) onChanged(changed, message(changed));
  }
  const moderation = post.moderation || {};
  return html`
    <section class="owner" aria-labelledby="owner-heading">
      <h2 id="owner-heading" class="section__title">${t("own_post")}</h2>
      <dl class="contact">
        <dt>${t("contact_phone")}</dt><dd>${post.contact_phone}</dd>
        ${post.address_hint && html`<dt>${t("contact_hint")}</dt><dd>${post.address_hint}</dd>`}
      </dl>
      ${moderation.under_review && html`<p class="notice">${t("under_review")}</p>`}
      ${moderation.decision &&
      html`<p>${t("moderation_decision", { decision: moderation.decision })}${moderation.reason ? ` · ${t("moderation_reason", { reason: moderation.reason })}` : ""}</p>`}
      <div class="actions">
        ${post.status === "open" &&
        html`<button type="button" class="weui-btn weui-btn_primary" disabled=${acting.busy} onClick=${() => act("resolve", () => t("resolved_done"))}>${t("resolve")}</button>`}
        ${["open", "expired"].includes(post.status) &&
        html`<button type="button" class="weui-btn weui-btn_default" disabled=${acting.busy} onClick=${() => act("renew", (renewed) => t("renewed_done", { time: when(renewed.expires_at) }))}>${t("renew")}</button>`}
      </div>
      <${ProblemNotice} problem=${acting.problem} />
      ${moderation.can_appeal && html`<${AppealForm} post=${post} onChanged=${onChanged} />`}
      <${Reveals} post=${post} />
    </section>
  `;
}

export function PostView({ id, place }) {
  const [changed, setChanged] = useState(null);
  const system = readerSystem(place);
  const loaded = useLoaded(
    () => api(`/posts/${id}`, { query: place ? { lat: place.lat, lng: place.lng, coordinate_system: system } : { coordinate_system: system } }),
    [id, place?.lat, place?.lng],
  );
  const post = changed?.post && changed.post.id === loaded.value?.id ? { ...loaded.value, ...changed.post } : loaded.value;
  const heading = t(post?.kind === "need" ? "post_heading_need" : "post_heading_offer", { id });
  return html`
    <section class="view">
      <p><a href="#/">${t("back_to_square")}</a></p>
      <${ViewHeading}>${post ? heading : `#${id}`}</${ViewHeading}>
      ${loaded.loading && html`<${Loading} />`}
      <${ProblemNotice} problem=${loaded.problem} />
      ${post &&
      html`
        <p class="status status_${post.status}">${t(`status_${post.status}`)}</p>
        ${changed?.message && html`<${Notice}>${changed.message}</${Notice}>`}
        <h2 class="section__title">${t("items")}</h2>
        <ul class="items">
          ${post.items.map(
            (item) => html`
              <li key=${item.medicine.code}>
                ${itemText(item)}
                ${item.pack_expires_on && html` · ${t("pack_expires", { date: item.pack_expires_on })}`}
                ${item.sealed !== null && item.sealed !== undefined && html` · ${t(item.sealed ? "sealed" : "unsealed")}`}
              </li>
            `,
          )}
        </ul>
        ${post.urgency.length > 0 && html`<p>${t("urgency")}：${post.urgency.map((tag) => t(`urgency_${tag}`)).join("、")}</p>`}
        ${post.note && html`<h2 class="section__title">${t("note")}</h2><p class="note">${post.note}</p>`}
        <p class="post__meta">
          ${post.distance && html`<span>${post.distance.text}</span>`}
          ${post.area_name && html`<span>${t("area_of_post")}：${post.area_name}</span>`}
          <span>${t("posted_at", { time: when(post.created_at) })}</span>
          <span>${t("expires_at", { time: when(post.expires_at) })}</span>
        </p>
        ${inWeChat &&
        html`<button type="button" class="weui-btn weui-btn_default" onClick=${() => openInWeChatMap(post.approximate_location, post.area_name || heading)}>${t("open_map")}</button>`}
        ${post.is_own
          ? html`<${OwnerTools} post=${post} onChanged=${(next, message) => setChanged({ post: next, message })} />`
          : post.status === "open" && html`<${Contact} post=${post} /><${ReportForm} post=${post} />`}
        ${post.status === "open" && html`<${Matches} post=${post} place=${place} />`}
      `}
    </section>
  `;
}
