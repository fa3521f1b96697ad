// The reader's own account: signing in by SMS code, consents, real-name verification, binding
// (and so linking) a mobile number, their posts, signing out.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api, setTokens, signedIn, signOut } from "../api.js";
import { t } from "../i18n.js";
import { Field, Loading, Notice, ProblemNotice, useAction, useLoaded, ViewHeading } from "./common.js";
import { PostCard } from "./square.js";

const DOCUMENT_TYPES = ["resident_id", "hmt_residence_permit", "foreign_permanent_residence"];
const SECOND_MS = 1000;

/** Mobile number and SMS code, sent to `path` (sign-in, or linking for a signed-in reader). */
function SmsCodeForm({ path, submitLabel, onTokens }) {
  const [mobile, setMobile] = useState("");
  const [code, setCode] = useState("");
  const [wait, setWait] = useState(0);
  const [sent, setSent] = useState(false);
  const sending = useAction();
  const signing = useAction();

  useEffect(() => {
    if (wait <= 0) return undefined;
    const timer = setTimeout(() => setWait(wait - 1), SECOND_MS);
    return () => clearTimeout(timer);
  }, [wait]);

  async function sendCode() {
    const answer = await sending.run(() => api("/auth/sms/codes", { method: "POST", body: { mobile } }));
    if (answer) {
      setSent(true);
      setWait(answer.resend_after);
    }
  }

  async function submit(event) {
    event.preventDefault();
    const pair = await signing.run(() => api(path, { method: "POST", body: { mobile, code } }));
    if (pair) onTokens(pair);
  }

  const problem = signing.problem || sending.problem;
  return html`
    <form class="sms" onSubmit=${submit} novalidate>
      <${Field}
        label=${t("mobile")}
        name="mobile"
        error=${problem?.fieldError("mobile")}
        control=${(props) => html`
          <input ...${props} class="field__control" type="tel" autocomplete="tel" inputmode="tel"
            value=${mobile} onInput=${(event) => setMobile(event.currentTarget.value)} />
        `}
      />
      <button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${sendCode}
        disabled=${sending.busy || wait > 0}>
        ${wait > 0 ? t("resend_in", { seconds: wait }) : t("send_code")}
      </button>
      ${sent && html`<${Notice}>${t("code_sent")}</${Notice}>`}
      <${Field}
        label=${t("code")}
        name="code"
        error=${problem?.fieldError("code")}
        control=${(props) => html`
          <input ...${props} class="field__control" type="text" inputmode="numeric" autocomplete="one-time-code"
            maxlength="6" value=${code} onInput=${(event) => setCode(event.currentTarget.value)} />
        `}
      />
      <${ProblemNotice} problem=${problem} />
      <button type="submit" class="weui-btn weui-btn_primary" disabled=${signing.busy}>${submitLabel}</button>
    </form>
  `;
}

function Consents() {
  const policies = useLoaded(() => Promise.all([api("/me/policies"), api("/me/consents")]), []);
  const acting = useAction();
  if (policies.loading && !policies.value) return html`<${Loading} />`;
  const [texts, given] = policies.value || [[], []];
  const inForce = new Map(given.filter((consent) => consent.active).map((consent) => [consent.purpose, consent]));
  async function change(policy) {
    const done = await acting.run(() =>
      inForce.get(policy.purpose)?.policy_version === policy.version
        ? api(`/me/consents/${policy.purpose}`, { method: "DELETE" })
        : api("/me/consents", { method: "POST", body: { purpose: policy.purpose, policy_version: policy.version } }),
    );
    if (done !== undefined) policies.reload();
  }
  return html`
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading" class="section__title">${t("consents_heading")}</h2>
      <${ProblemNotice} problem=${policies.problem || acting.problem} />
      <ul class="consents">
        ${texts.map((policy) => {
          const current = inForce.get(policy.purpose)?.policy_version === policy.version;
          return html`
            <li key=${policy.purpose} class="consent" data-purpose=${policy.purpose}>
              <h3 class="consent__title">${policy.title}</h3>
              <p class="consent__text">${policy.text}</p>
              ${current && html`<p class="consent__given">${t("consent_given", { version: policy.version })}</p>`}
              <button type="button" class=${`weui-btn weui-btn_mini ${current ? "weui-btn_default" : "weui-btn_primary"}`}
                disabled=${acting.busy} onClick=${() => change(policy)}>
                ${t(current ? "consent_withdraw" : "consent_give", { title: policy.title })}
              </button>
            </li>
          `;
        })}
      </ul>
    </section>
  `;
}

function Verification({ onVerified }) {
  const [form, setForm] = useState({ name: "", document_type: DOCUMENT_TYPES[0], document_number: "" });
  const verifying = useAction();
  const error = (field) => verifying.problem?.fieldError(field);
  async function submit(event) {
    event.preventDefault();
    const me = await verifying.run(() => api("/me/verification", { method: "POST", body: form }));
    if (me) onVerified(me);
  }
  return html`
    <form class="verify" onSubmit=${submit} novalidate aria-labelledby="verify-heading">
      <h2 id="verify-heading" class="section__title">${t("verify_heading")}</h2>
      <${Field}
        label=${t("real_name")}
        name="name"
        error=${error("name")}
        control=${(props) => html`
          <input ...${props} class="field__control" type="text" autocomplete="name" value=${form.name}
            onInput=${(event) => setForm({ ...form, name: event.currentTarget.value })} />
        `}
      />
      <${Field}
        label=${t("document_type")}
        name="document_type"
        error=${error("document_type")}
        control=${(props) => html`
          <select ...${props} class="field__control" value=${form.document_type}
            onChange=${(event) => setForm({ ...form, document_type: event.currentTarget.value })}>
            ${DOCUMENT_TYPES.map((type) => html`<option value=${type}>${t(`doc_${type}`)}</option>`)}
          </select>
        `}
      />
      <${Field}
        label=${t("document_number")}
        name="document_number"
        error=${error("document_number")}
        control=${(props) => html`
          <input ...${props} class="field__control" type="text" autocomplete="off" value=${form.document_number}
            onInput=${(event) => setForm({ ...form, document_number: event.currentTarget.value })} />
        `}
      />
      <${ProblemNotice} problem=${verifying.problem} />
      <button type="submit" class="weui-btn weui-btn_primary" disabled=${verifying.busy}>${t("verify")}</button>
    </form>
  `;
}

function MyPosts() {
  const mine = useLoaded(() => api("/posts/mine"), []);
  return html`
    <section aria-labelledby="mine-heading">
      <h2 id="mine-heading" class="section__title">${t("my_posts")}</h2>
      ${mine.loading && html`<${Loading} />`}
      <${ProblemNotice} problem=${mine.problem} />
      ${mine.value?.length === 0 && html`<p class="empty">${t("my_posts_none")}</p>`}
      <ul class="posts">
        ${(mine.value || []).map(
          (post) => html`
            <${PostCard} post=${post} key=${post.id} />
          `,
        )}
      </ul>
    </section>
  `;
}

function Account({ notice }) {
  const me = useLoaded(() => api("/me"), []);
  const [profile, setProfile] = useState(null);
  const shown = profile || me.value;
  if (me.loading && !shown) return html`<${Loading} />`;
  if (!shown) return html`<${ProblemNotice} problem=${me.problem} />`;
  const levels = shown.levels.map((level) => t(`level_${level.level}`)).join("、");
  const verified = shown.levels.some((level) => level.level === "identity");
  return html`
    <div class="account">
      ${notice && html`<${ProblemNotice} problem=${notice} />`}
      <p class="account__who">${t("signed_in_as", { name: shown.display_name, mobile: shown.mobile || t("no_mobile") })}</p>
      ${levels && html`<p>${t("levels")}：${levels}</p>`}
      <${Consents} />
      ${verified ? html`<p class="notice" role="status">${t("verified")}</p>` : html`<${Verification} onVerified=${setProfile} />`}
      ${!shown.mobile &&
      html`
        <section aria-labelledby="bind-heading">
          <h2 id="bind-heading" class="section__title">${t("bind_heading")}</h2>
          <p class="field__hint">${t("bind_note")}</p>
          <${SmsCodeForm} path="/auth/sms/link" submitLabel=${t("bind")} onTokens=${(pair) => { setTokens(pair); me.reload(); }} />
        </section>
      `}
      <${MyPosts} />
      <button type="button" class="weui-btn weui-btn_default" onClick=${signOut}>${t("sign_out")}</button>
    </div>
  `;
}

export function MeView({ notice }) {
  return html`
    <section class="view">
      <${ViewHeading}>${t("me_heading")}</${ViewHeading}>
      ${signedIn()
        ? html`<${Account} notice=${notice} />`
        : html`
            ${notice && html`<${ProblemNotice} problem=${notice} />`}
            <h2 class="section__title">${t("sign_in_heading")}</h2>
            <${SmsCodeForm} path="/auth/sms/sign-in" submitLabel=${t("sign_in")} onTokens=${setTokens} />
          `}
    </section>
  `;
}
