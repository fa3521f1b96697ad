// Posting a need or an offer: the same fields and rules as the mini program, each refusal shown
// next to its field (the API names it: items.0.quantity, contact_phone, location...).
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { api, signedIn } from "../api.js";
import { t } from "../i18n.js";
import { Field, ProblemNotice, useAction, ViewHeading } from "./common.js";
import { MedicineSearch } from "./medicines.js";
import { PlaceBar } from "./square.js";

const URGENCY = ["infant", "child", "elderly", "pregnant", "chronic_illness"];
const MAX_ITEMS = 10;
const NOTE_MAX = 500;
const HINT_MAX = 100;

function newItem() {
  return { medicine: null, quantity: "1", unit: "", pack_expires_on: "", sealed: true };
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

function ItemFields({ item, index, kind, problem, onChange, onRemove, removable }) {
  const error = (field) => problem?.fieldError(`items.${index}.${field}`);
  const set = (changes) => onChange({ ...item, ...changes });
  const unit = item.medicine?.units.find((known) => known.code === item.unit);
  return html`
    <fieldset class="item" data-item=${index}>
      <legend>${t("item_n", { n: index + 1 })}</legend>
      ${item.medicine
        ? html`<p class="item__medicine">
            <span>${t("item_medicine")}：${item.medicine.name}</span>${" "}
            <button type="button" class="link-button" onClick=${() => set({ medicine: null, unit: "" })}>
              ${t("medicine_remove", { name: item.medicine.name })}
            </button>
          </p>
          ${error("medicine") && html`<p class="field__error">${error("medicine")}</p>`}`
        : html`<${MedicineSearch}
            label=${t("item_medicine")}
            name=${`items.${index}.medicine`}
            error=${error("medicine") || (problem && !item.medicine ? t("choose_medicine") : "")}
            onPick=${(medicine) => set({ medicine, unit: medicine.units[0]?.code || "" })}
          />`}
      <div class="item__amount">
        <${Field}
          label=${t("item_quantity")}
          name=${`items.${index}.quantity`}
          error=${error("quantity")}
          control=${(props) => html`
            <input ...${props} class="field__control" type="number" inputmode="numeric" min="1"
              max=${unit?.max_per_post} value=${item.quantity}
              onInput=${(event) => set({ quantity: event.currentTarget.value })} />
          `}
        />
        <${Field}
          label=${t("item_unit")}
          name=${`items.${index}.unit`}
          error=${error("unit")}
          control=${(props) => html`
            <select ...${props} class="field__control" value=${item.unit} disabled=${!item.medicine}
              onChange=${(event) => set({ unit: event.currentTarget.value })}>
              ${(item.medicine?.units || []).map((known) => html`<option value=${known.code}>${known.label}</option>`)}
            </select>
          `}
        />
      </div>
      ${kind === "offer" &&
      html`
        <${Field}
          label=${t("item_expiry")}
          name=${`items.${index}.pack_expires_on`}
          error=${error("pack_expires_on")}
          control=${(props) => html`
            <input ...${props} class="field__control" type="date" value=${item.pack_expires_on}
              onInput=${(event) => set({ pack_expires_on: event.currentTarget.value })} />
          `}
        />
        <div class="field" data-field=${`items.${index}.sealed`}>
          <label class="choice">
            <input type="checkbox" checked=${item.sealed} onChange=${(event) => set({ sealed: event.currentTarget.checked })} />
            <span>${t("item_sealed")}</span>
          </label>
          ${error("sealed") && html`<p class="field__error">${error("sealed")}</p>`}
        </div>
      `}
      ${removable &&
      html`<button type="button" class="link-button" onClick=${onRemove}>${t("item_remove", { n: index + 1 })}</button>`}
    </fieldset>
  `;
}

function body(form, place) {
  return {
    kind: form.kind,
    items: form.items.map((item) => ({
      medicine: item.medicine?.code || "",
      quantity: Number.parseInt(item.quantity, 10) || 0,
      unit: item.unit,
      ...(form.kind === "offer"
        ? { pack_expires_on: item.pack_expires_on || null, sealed: item.sealed }
        : {}),
    })),
    note: form.note,
    contact_phone: form.contact_phone,
    ...(form.address_hint ? { address_hint: form.address_hint } : {}),
    ...(form.kind === "need" ? { urgency: form.urgency } : {}),
    location: { lat: place.lat, lng: place.lng, coordinate_system: place.coordinate_system },
  };
}

export function ComposeView({ place, onPlace }) {
  const [form, setForm] = useState({
    kind: "offer",
    items: [newItem()],
    urgency: [],
    note: "",
    contact_phone: "",
    address_hint: "",
  });
  // One key per post being written: a retry after a lost answer makes no second post.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const posting = useAction();
  const set = (changes) => setForm({ ...form, ...changes });
  const error = (field) => posting.problem?.fieldError(field);

  if (!signedIn()) {
    return html`
      <section class="view">
        <${ViewHeading}>${t("new_heading")}</${ViewHeading}>
        <p class="notice">${t("sign_in_to_continue")} <a href="#/me">${t("go_sign_in")}</a></p>
      </section>
    `;
  }

  async function submit(event) {
    event.preventDefault();
    if (!place) {
      posting.setProblem({ message: t("location_needed"), fieldError: () => "" });
      return;
    }
    const made = await posting.run(() =>
      api("/posts", {
        method: "POST",
        body: body(form, place),
        headers: { "Idempotency-Key": idempotencyKey },
      }),
    );
    if (made) {
      setIdempotencyKey(newKey());
      location.hash = `#/posts/${made.id}`;
    }
  }

  const needsSetUp = ["consent_required", "identity_verification_required", "phone_verification_required"].includes(
    posting.problem?.code,
  );
  return html`
    <section class="view">
      <${ViewHeading}>${t("new_heading")}</${ViewHeading}>
      <form class="compose" onSubmit=${submit} novalidate>
        <fieldset class="choices" data-field="kind">
          <legend>${t("kind")}</legend>
          ${[
            ["need", t("new_need")],
            ["offer", t("new_offer")],
          ].map(
            ([kind, label]) => html`
              <label class="choice" key=${kind}>
                <input type="radio" name="kind" value=${kind} checked=${form.kind === kind} onChange=${() => set({ kind })} />
                <span>${label}</span>
              </label>
            `,
          )}
        </fieldset>
        ${error("items") && html`<p class="field__error">${error("items")}</p>`}
        ${form.items.map(
          (item, index) => html`
            <${ItemFields}
              key=${index}
              item=${item}
              index=${index}
              kind=${form.kind}
              problem=${posting.problem}
              removable=${form.items.length > 1}
              onChange=${(changed) => set({ items: form.items.map((kept, at) => (at === index ? changed : kept)) })}
              onRemove=${() => set({ items: form.items.filter((_, at) => at !== index) })}
            />
          `,
        )}
        ${form.items.length < MAX_ITEMS &&
        html`<button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${() => set({ items: [...form.items, newItem()] })}>${t("item_add")}</button>`}
        ${form.kind === "need" &&
        html`
          <fieldset class="choices" data-field="urgency">
            <legend>${t("urgency")}</legend>
            ${URGENCY.map(
              (tag) => html`
                <label class="choice" key=${tag}>
                  <input
                    type="checkbox"
                    checked=${form.urgency.includes(tag)}
                    onChange=${(event) =>
                      set({
                        urgency: event.currentTarget.checked
                          ? [...form.urgency, tag]
                          : form.urgency.filter((kept) => kept !== tag),
                      })}
                  />
                  <span>${t(`urgency_${tag}`)}</span>
                </label>
              `,
            )}
            ${error("urgency") && html`<p class="field__error">${error("urgency")}</p>`}
          </fieldset>
        `}
        <${Field}
          label=${t("note_label")}
          name="note"
          error=${error("note")}
          control=${(props) => html`
            <textarea ...${props} class="field__control" rows="3" maxlength=${NOTE_MAX} value=${form.note}
              onInput=${(event) => set({ note: event.currentTarget.value })}></textarea>
          `}
        />
        <${Field}
          label=${t("phone_label")}
          hint=${t("phone_hint")}
          name="contact_phone"
          error=${error("contact_phone")}
          control=${(props) => html`
            <input ...${props} class="field__control" type="tel" autocomplete="tel" value=${form.contact_phone}
              onInput=${(event) => set({ contact_phone: event.currentTarget.value })} />
          `}
        />
        <${Field}
          label=${t("hint_label")}
          hint=${t("hint_hint")}
          name="address_hint"
          error=${error("address_hint")}
          control=${(props) => html`
            <input ...${props} class="field__control" type="text" maxlength=${HINT_MAX} value=${form.address_hint}
              onInput=${(event) => set({ address_hint: event.currentTarget.value })} />
          `}
        />
        <div class="field" data-field="location">
          <p class="field__label">${t("location_label")}</p>
          <p class="field__hint">${t("location_hint")}</p>
          <${PlaceBar} place=${place} onPlace=${onPlace} />
          ${error("location") && html`<p class="field__error">${error("location")}</p>`}
        </div>
        <${ProblemNotice} problem=${posting.problem}>
          ${needsSetUp && html`<p><a href="#/me">${t("nav_me")}</a></p>`}
        </${ProblemNotice}>
        <button type="submit" class="weui-btn weui-btn_primary" disabled=${posting.busy}>${t("publish")}</button>
      </form>
    </section>
  `;
}
