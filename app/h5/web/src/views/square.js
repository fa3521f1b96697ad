// The square: open posts nearest first (with the reader's place) or newest first, narrowed by
// kind, medicine, urgency and area; a small map of the page's points above the list.
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { t, when } from "../i18n.js";
import { districtPlace, locate, readerSystem } from "../place.js";
import { itemText, kindLabel, Loading, ProblemNotice, useAction, ViewHeading } from "./common.js";
import { NearbyMap } from "./map.js";
import { MedicineSearch } from "./medicines.js";
import { DistrictPicker } from "./picker.js";

const URGENCY = ["infant", "child", "elderly", "pregnant", "chronic_illness"];
const PAGE_SIZE = 20;

export function PlaceBar({ place, onPlace }) {
  const [picking, setPicking] = useState(false);
  const [refused, setRefused] = useState(false);
  const locating = useAction();

  async function useMine() {
    setRefused(false);
    const found = await locating.run(locate);
    if (found) onPlace(found);
    else setRefused(true);
  }

  async function pickDistrict(district) {
    setPicking(false);
    onPlace(await districtPlace(district.code));
  }

  const where = !place
    ? t("where_none")
    : place.source === "district"
      ? t("where_district", { name: place.name })
      : t("where_here");
  return html`
    <section class="place" aria-label=${t("where_label")}>
      <p class="place__where"><span class="place__label">${t("where_label")}：</span>${where}</p>
      <div class="actions">
        <button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${useMine} disabled=${locating.busy}>
          ${locating.busy ? t("locating") : t("locate")}
        </button>
        <button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${() => setPicking(true)} aria-expanded=${picking}>
          ${t("choose_place")}
        </button>
      </div>
      ${refused && html`<p class="notice" role="status">${t("location_refused")}</p>`}
      ${picking &&
      html`<${DistrictPicker}
        legend=${t("picker_title")}
        chooseLabel=${t("use_place")}
        onChoose=${pickDistrict}
        onCancel=${() => setPicking(false)}
      />`}
    </section>
  `;
}

function RadioGroup({ legend, name, value, options, onChange }) {
  return html`
    <fieldset class="choices">
      <legend>${legend}</legend>
      ${options.map(
        ([optionValue, label]) => html`
          <label class="choice" key=${optionValue}>
            <input
              type="radio"
              name=${name}
              value=${optionValue}
              checked=${value === optionValue}
              onChange=${() => onChange(optionValue)}
            />
            <span>${label}</span>
          </label>
        `,
      )}
    </fieldset>
  `;
}

function Filters({ filters, setFilters, hasPlace }) {
  const [pickingArea, setPickingArea] = useState(false);
  const set = (changes) => setFilters({ ...filters, ...changes });
  // Without a chosen area, a partner's link shows its partner's preset region (see main.js).
  const area = filters.district || filters.preset;
  return html`
    <section class="filters" aria-labelledby="filters-heading">
      <h2 id="filters-heading" class="section__title">${t("filters")}</h2>
      <${RadioGroup}
        legend=${t("sort")}
        name="sort"
        value=${hasPlace ? filters.sort : "time"}
        options=${[
          ["distance", t("sort_distance")],
          ["time", t("sort_time")],
        ]}
        onChange=${(sort) => set({ sort })}
      />
      <${RadioGroup}
        legend=${t("kind")}
        name="kind"
        value=${filters.kind}
        options=${[
          ["", t("kind_all")],
          ["need", t("kind_need")],
          ["offer", t("kind_offer")],
        ]}
        onChange=${(kind) => set({ kind })}
      />
      <${MedicineSearch}
        label=${t("medicine")}
        name="medicine-filter"
        onPick=${(medicine) =>
          filters.medicines.some((known) => known.code === medicine.code) ||
          set({ medicines: [...filters.medicines, { code: medicine.code, name: medicine.name }] })}
      />
      ${filters.medicines.length > 0 &&
      html`
        <ul class="chips">
          ${filters.medicines.map(
            (medicine) => html`
              <li key=${medicine.code} class="chip">
                <span>${medicine.name}</span>
                <button
                  type="button"
                  class="chip__remove"
                  aria-label=${t("medicine_remove", { name: medicine.name })}
                  onClick=${() => set({ medicines: filters.medicines.filter((kept) => kept.code !== medicine.code) })}
                >×</button>
              </li>
            `,
          )}
        </ul>
      `}
      <div class="field">
        <label class="field__label" for="urgency-filter">${t("urgency")}</label>
        <select
          id="urgency-filter"
          class="field__control"
          value=${filters.urgency}
          onChange=${(event) => set({ urgency: event.currentTarget.value })}
        >
          <option value="">${t("any")}</option>
          ${URGENCY.map((tag) => html`<option value=${tag}>${t(`urgency_${tag}`)}</option>`)}
        </select>
      </div>
      <div class="area">
        <p class="area__now">${area ? t("area_now", { name: area.name }) : `${t("area")}：${t("any")}`}</p>
        <div class="actions">
          <button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${() => setPickingArea(true)} aria-expanded=${pickingArea}>
            ${t("area_choose")}
          </button>
          ${filters.district &&
          html`<button type="button" class="weui-btn weui-btn_mini weui-btn_default" onClick=${() => set({ district: null })}>
            ${filters.preset ? t("area_preset", { name: filters.preset.name }) : t("area_clear")}
          </button>`}
        </div>
        ${pickingArea &&
        html`<${DistrictPicker}
          legend=${t("area_choose")}
          chooseLabel=${t("use_place")}
          onChoose=${(district) => {
            setPickingArea(false);
            set({ district: { code: district.code, name: district.name } });
          }}
          onCancel=${() => setPickingArea(false)}
        />`}
      </div>
    </section>
  `;
}

export function PostCard({ post }) {
  return html`
    <li class="post-card post-card_${post.kind}" key=${post.id}>
      <article aria-labelledby=${`post-${post.id}-title`}>
        <h3 class="post-card__title" id=${`post-${post.id}-title`}>
          <a href=${`#/posts/${post.id}`}>
            <span class="badge badge_${post.kind}">${kindLabel(post.kind)}</span>
            ${post.items.map(itemText).join("、")}
          </a>
        </h3>
        <p class="post-card__meta">
          ${post.distance && html`<span class="post-card__distance">${post.distance.text}</span>`}
          ${post.area_name && html`<span>${post.area_name}</span>`}
          <span>${t("posted_at", { time: when(post.created_at) })}</span>
        </p>
        ${post.urgency.length > 0 &&
        html`<p class="post-card__urgency">${post.urgency.map((tag) => t(`urgency_${tag}`)).join("、")}</p>`}
        ${post.note && html`<p class="post-card__note">${post.note}</p>`}
      </article>
    </li>
  `;
}

export function squareQuery(filters, place) {
  const sort = place ? filters.sort : "time";
  return {
    ...(place ? { lat: place.lat, lng: place.lng } : {}),
    coordinate_system: readerSystem(place),
    sort,
    kind: filters.kind,
    medicine: filters.medicines.map((medicine) => medicine.code),
    urgency: filters.urgency,
    district: filters.district?.code,
    limit: PAGE_SIZE,
  };
}

export function SquareView({ place, onPlace, filters, setFilters }) {
  const [page, setPage] = useState({ posts: [], cursor: null, loading: true, problem: null });
  const query = squareQuery(filters, place);
  const key = JSON.stringify(query);

  async function load(cursor) {
    setPage((before) => ({ ...before, loading: true, problem: null }));
    try {
      const answer = await api("/posts", { query: { ...query, cursor } });
      setPage((before) => ({
        posts: cursor ? [...before.posts, ...answer.posts] : answer.posts,
        cursor: answer.next_cursor,
        loading: false,
        problem: null,
      }));
    } catch (problem) {
      setPage((before) => ({ ...before, loading: false, problem }));
    }
  }

  useEffect(() => {
    setPage({ posts: [], cursor: null, loading: true, problem: null });
    load(null);
  }, [key]);

  useEffect(() => {
    // A link's ?region= names the area by its code alone; the square shows its name.
    const district = filters.district;
    if (!district || district.name !== district.code) return;
    api(`/districts/${district.code}`).then(
      (found) => setFilters({ ...filters, district: { code: found.code, name: found.name } }),
      () => setFilters({ ...filters, district: null }),
    );
  }, []);

  return html`
    <section class="view">
      <${ViewHeading}>${t("square_heading")}</${ViewHeading}>
      <p class="view__tagline">${t("tagline")}</p>
      <${PlaceBar} place=${place} onPlace=${onPlace} />
      <${Filters} filters=${filters} setFilters=${setFilters} hasPlace=${Boolean(place)} />
      ${page.posts.length > 0 &&
      html`<${NearbyMap} posts=${page.posts} place=${place} system=${query.coordinate_system} />`}
      <${ProblemNotice} problem=${page.problem} />
      <ul class="posts" aria-live="polite" aria-busy=${page.loading}>
        ${page.posts.map((post) => html`<${PostCard} post=${post} key=${post.id} />`)}
      </ul>
      ${page.loading && html`<${Loading} />`}
      ${!page.loading && page.posts.length === 0 && !page.problem && html`<p class="empty">${t("no_posts")}</p>`}
      ${!page.loading && page.cursor &&
      html`<button type="button" class="weui-btn weui-btn_default more" onClick=${() => load(page.cursor)}>${t("more")}</button>`}
      ${!page.loading && !page.cursor && page.posts.length > 0 && html`<p class="end">${t("end_of_list")}</p>`}
    </section>
  `;
}
