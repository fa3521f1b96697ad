"""Rows of bench users, posts and items, planned a chunk at a time as COPY text.

The shape is the demo data's (app/demo/data.yaml: kinds, items, medicines, units, urgency, notes,
hints) over a week, with cities weighted as in geo/data/cities.yaml. Every value a post shares
with the app is made as the app makes it: public_position_of for the public point,
encrypt_phone and mask_mobile for the contact, id_number_digest and mask_name for the user,
lifetime for expiry. Python per row costs more than the whole row costs PostgreSQL, so each
chunk is drawn column by column with numpy (bench/columns.py holds the app's per-row functions
vectorised, checked against the originals by tests/bench), and Python only joins the text.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from flask import current_app

from app.auth.lookup import mask_mobile
from app.catalog.service import current_medicines
from app.demo.seed import demo_shape
from app.me.names import mask_name
from app.me.service import policies
from app.posts.contact import _fernet
from app.posts.models import PUBLIC_SRID
from app.posts.public import public_note_of
from app.posts.service import lifetime
from bench.columns import (
    encrypt_phones,
    ewkb_points,
    id_number_digests,
    iso_times,
    public_cells,
    public_positions,
)
from bench.copytext import NULL, text_field
from bench.spots import Spots
from geo.cities import cities
from geo.districts import district
from geo.points import WGS84_SRID
from moderation.masking import MASKING_VERSION

# Times over the week before the load, most of them recent (the wave grew day by day).
PERIOD = timedelta(days=7)
# Open posts keep at least this long after loading, as in the demo data, so that none leaves the
# square during a bench run.
MIN_TIME_LEFT = timedelta(hours=6)
OPEN_SHARE = 0.8
RESOLVED_SHARE = 0.12  # the rest of the closed posts ran out of time
STATUSES = ("open", "resolved", "expired")
NEED_SHARE = 0.6
# 154 has never been given to an operator: no bench number can ring a real person.
PHONE_PREFIX = "154"
PROVIDER = "bench"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
BIRTHDAYS_FROM = np.datetime64("1950-01-01")


@dataclass
class Chunk:
    """COPY text for one chunk, and the posts whose county must be found by the database."""

    users: str
    verifications: str
    consents: str
    posts: str
    items: str
    post_count: int
    unplaced_post_ids: list[int]


def _us(span: timedelta) -> int:
    return span // MICROSECOND


class Planner:
    """Plans chunks of users with their posts. Chunks are independent (own seed, own id
    ranges), so several processes can plan them at once."""

    def __init__(self, now: datetime):
        self.now_us = _us(now - EPOCH)
        shape = self.shape = demo_shape()
        weights = shape["medicine_weights"]
        self.medicines = [m for m in current_medicines() if weights.get(m.code, 0) > 0]
        self.medicine_p = _normalised(weights[m.code] for m in self.medicines)
        self.medicine_ids = np.array([m.id for m in self.medicines])
        self.editions = np.array([m.edition_id for m in self.medicines])
        self.unit_caps = [dict(m.unit_caps) for m in self.medicines]
        counts = shape["items_per_post_weights"]
        self.item_counts = np.array([int(count) for count in counts])
        self.item_count_p = _normalised(counts.values())
        self.units = [
            (list(caps), _normalised(shape["unit_weights"][u] for u in caps))
            for caps in self.unit_caps
        ]
        self.cities = cities()
        self.city_p = _normalised([city.weight for city in self.cities])
        self.city_codes = [city.area_code for city in self.cities]
        self.spots = Spots(self.cities)
        self.consents = [(purpose, policy["current"]) for purpose, policy in policies().items()]
        self.life_us = {kind: _us(lifetime(kind)) for kind in ("need", "offer")}
        self.today = np.datetime64(now.date())
        self.grid = current_app.config["PUBLIC_GRID_METRES"]
        self.id_key = current_app.config["ID_NUMBER_HMAC_KEY"]
        self.fernet = _fernet()
        self.hints = np.array([text_field(h) for h in shape["address_hints"]], dtype=object)
        self.tags = list(shape["urgency_weights"])
        self.tag_p = _normalised(shape["urgency_weights"].values())
        self._tables()

    def _tables(self) -> None:
        """Every text a post can take from a handful of choices, made once by the app's code."""
        shape, tags = self.shape, self.tags
        # mask_name keeps the family name and stars the rest: the given characters never show.
        given = shape["given_name_characters"][0]
        self.names = np.array(
            [
                [text_field(mask_name(family + given * n)) for n in shape["given_name_lengths"]]
                for family in shape["family_names"]
            ],
            dtype=object,
        )
        # Key 0: none; 1 + first * (T + 1) + (second + 1, or 0 for one tag): as create_post
        # stores them, sorted and unique.
        self.urgency_texts = np.array(
            ["{}"]
            + [
                "{" + ",".join(sorted({first, *([second] if second else [])})) + "}"
                for first in tags
                for second in [None, *tags]
            ],
            dtype=object,
        )
        # Note groups: need: one per urgency tag, then general; offer: sealed, then opened.
        groups = [("need", tag) for tag in tags] + [
            ("need", "general"),
            ("offer", "sealed"),
            ("offer", "opened"),
        ]
        templates = [shape["notes"][kind][group] for kind, group in groups]
        self.group_start = np.cumsum([0] + [len(t) for t in templates])[:-1]
        self.group_size = np.array([len(t) for t in templates])
        spoken = [shape["spoken_names"].get(m.code, m.name_zh) for m in self.medicines]
        written = [
            [template.format(medicine=name) for name in spoken]
            for group in templates
            for template in group
        ]
        self.note_texts = np.array([[text_field(n) for n in row] for row in written], dtype=object)
        # As create_post stores them: masked by the app's own rules, with their version.
        self.public_note_texts = np.array(
            [[text_field(public_note_of(n)) for n in row] for row in written], dtype=object
        )

    def chunk(self, seed: int, first_id: int, posts: int) -> Chunk:
        """Users whose posts add up to `posts`, each user's posts all from their home.

        Post ids and user ids both start at first_id (a chunk has no more users than posts).
        """
        rng = np.random.default_rng([seed, first_id])
        sizes_weights = self.shape["posts_per_user_weights"]
        sizes = rng.choice(
            [int(size) for size in sizes_weights], size=posts, p=_normalised(sizes_weights.values())
        )
        ends = np.cumsum(sizes)
        count = int(np.searchsorted(ends, posts)) + 1
        sizes = sizes[:count]
        sizes[-1] -= int(ends[count - 1]) - posts
        owner = np.repeat(np.arange(count), sizes)
        city_index = rng.choice(len(self.cities), size=count, p=self.city_p)
        lon, lat = self.spots.homes(rng, city_index)
        codes, unsure = self.spots.area_codes(lon, lat)
        post_ids = np.arange(first_id, first_id + posts)
        user_ids = np.arange(first_id, first_id + count)
        homes = np.array(ewkb_points(lon, lat, WGS84_SRID), dtype=object)
        cell_x, cell_y = public_cells(lon, lat, self.grid)
        post = {
            "id": post_ids,
            "user_id": user_ids[owner],
            "location": homes[owner],
            # NULL: left to the database (see Spots.area_codes)
            "area_code": np.array([code or NULL for code in codes], dtype=object)[owner],
            "area_name": np.array([_area_name(code) for code in codes], dtype=object)[owner],
            "public_position": public_positions(rng, cell_x[owner], cell_y[owner], PUBLIC_SRID),
        }
        self._draw_posts(rng, post)
        items = self._draw_items(rng, post)
        self._draw_words(rng, post, items)
        joined = np.minimum.reduceat(post["created"], np.r_[0, np.cumsum(sizes)[:-1]])
        joined -= (rng.uniform(10, 180, count) * 60e6).astype(np.int64)
        users = self._users(rng, user_ids, city_index, iso_times(joined, NULL))
        post["contact"] = np.array(users.pop("contact"), dtype=object)[owner]
        return Chunk(
            **users,
            posts=_post_text(post),
            items=_item_text(post, items),
            post_count=posts,
            unplaced_post_ids=post_ids[unsure[owner]].tolist(),
        )

    def _draw_posts(self, rng: np.random.Generator, post: dict) -> None:
        """Kind, status and the demo data's timeline (app/demo/seed.py) over PERIOD, in
        microseconds since the epoch (-1 for none)."""
        n, now = len(post["id"]), self.now_us
        need = post["need"] = rng.random(n) < NEED_SHARE
        status = np.searchsorted([OPEN_SHARE, OPEN_SHARE + RESOLVED_SHARE], rng.random(n), "right")
        post["status"] = status
        life = np.where(need, self.life_us["need"], self.life_us["offer"])
        created = now - (_us(PERIOD) * rng.random(n) ** 1.5).astype(np.int64)
        expired = status == 2
        late_by = (rng.uniform(1, 48, n) * 3600e6).astype(np.int64)
        created[expired] = (now - life - late_by)[expired]
        expires = created + life
        resolved = np.where(
            status == 1,
            created + ((np.minimum(now, expires) - created) * rng.random(n)).astype(np.int64),
            -1,
        )
        renewing = (status == 0) & (expires < now + _us(MIN_TIME_LEFT))
        earliest = np.maximum(created, now + _us(MIN_TIME_LEFT) - life)
        renewed = np.where(
            renewing, earliest + ((now - earliest) * rng.random(n)).astype(np.int64), -1
        )
        expires = np.where(renewing, renewed + life, expires)
        post["created"] = created
        for column, times in (
            ("created_at", created),
            ("updated_at", np.where(resolved >= 0, resolved, np.where(renewing, renewed, created))),
            ("expires_at", expires),
            ("renewed_at", renewed),
            ("resolved_at", resolved),
        ):
            post[column] = iso_times(times, NULL)

    def _draw_items(self, rng: np.random.Generator, post: dict) -> dict:
        """1-3 different medicines a post, each with a unit, a quantity within its cap and,
        for offers, a pack expiry and whether it is sealed."""
        n, kinds = len(post["id"]), len(self.medicines)
        how_many = rng.choice(self.item_counts, size=n, p=self.item_count_p)
        most = int(self.item_counts.max())
        chosen = rng.choice(kinds, size=(n, most), p=self.medicine_p)
        for slot in range(1, most):
            while (clash := (chosen[:, slot, None] == chosen[:, :slot]).any(axis=1)).any():
                chosen[clash, slot] = rng.choice(kinds, size=int(clash.sum()), p=self.medicine_p)
        post["first_medicine"] = chosen[:, 0]
        taken = np.arange(most) < how_many[:, None]
        medicine = chosen[taken]
        items = {
            "post": np.repeat(np.arange(n), how_many),
            "position": np.broadcast_to(np.arange(most), chosen.shape)[taken],
            "medicine_id": self.medicine_ids[medicine],
            "unit": np.empty(len(medicine), dtype=object),
            "quantity": np.empty(len(medicine), dtype=np.int64),
        }
        typical = self.shape["typical_quantities"]
        for kind in range(kinds):
            at = np.flatnonzero(medicine == kind)
            units, unit_p = self.units[kind]
            unit = rng.choice(len(units), size=len(at), p=unit_p)
            for index, name in enumerate(units):
                mine = at[unit == index]
                items["unit"][mine] = name
                items["quantity"][mine] = np.minimum(
                    rng.choice(typical[name], size=len(mine)), self.unit_caps[kind][name]
                )
        offer = ~post["need"][items["post"]]
        low, high = self.shape["pack_expiry_days"]
        expiry = np.datetime_as_string(self.today + rng.integers(low, high + 1, len(medicine)))
        sealed = rng.random(len(medicine)) < self.shape["sealed_share"]
        items["offer"] = [
            f"{day}\t{'t' if seal else 'f'}" if is_offer else "\\N\t\\N"
            for day, seal, is_offer in zip(
                expiry.tolist(), sealed.tolist(), offer.tolist(), strict=True
            )
        ]
        post["all_sealed"] = np.logical_and.reduceat(sealed, np.r_[0, np.cumsum(how_many)[:-1]])
        post["edition"] = self.editions[chosen[:, 0]]
        return items

    def _draw_words(self, rng: np.random.Generator, post: dict, items: dict) -> None:
        """Urgency tags of needs, the note and the address hint."""
        n, shape, tag_count = len(post["id"]), self.shape, len(self.tags)
        urgent = post["need"] & (rng.random(n) < shape["urgency_share"])
        second = rng.random(n) < shape["second_urgency_share"]
        tags = rng.choice(tag_count, size=(n, 2), p=self.tag_p)
        while (clash := tags[:, 1] == tags[:, 0]).any():
            tags[clash, 1] = rng.choice(tag_count, size=int(clash.sum()), p=self.tag_p)
        key = 1 + tags[:, 0] * (tag_count + 1) + np.where(second, tags[:, 1] + 1, 0)
        post["urgency"] = self.urgency_texts[np.where(urgent, key, 0)]
        group = np.where(
            post["need"],
            np.where(urgent, tags[:, 0], tag_count),
            np.where(post["all_sealed"], tag_count + 1, tag_count + 2),
        )
        template = self.group_start[group] + (rng.random(n) * self.group_size[group]).astype(int)
        empty = rng.random(n) < shape["empty_note_share"]
        for column, texts in (("note", self.note_texts), ("public_note", self.public_note_texts)):
            post[column] = texts[template, post["first_medicine"]]
            post[column][empty] = ""
        hints = self.hints[rng.integers(len(self.hints), size=n)]
        hints[rng.random(n) >= shape["address_hint_share"]] = NULL
        post["hint"] = hints

    def _users(self, rng, user_ids: np.ndarray, city_index: np.ndarray, joined: list) -> dict:
        """COPY text of users, verifications and consents, and each user's contact columns."""
        shape, count = self.shape, len(user_ids)
        ids = user_ids.tolist()
        phones = [f"{PHONE_PREFIX}{user_id:08d}" for user_id in ids]
        # Unique by construction (users.id_number_hmac is unique): the user id picks the
        # birthday and sequence number, 1,000 people a day over 55 years.
        born = np.datetime_as_string(BIRTHDAYS_FROM + (user_ids // 1000) % (365 * 55))
        first_17 = [
            f"{self.city_codes[city]}{day.replace('-', '')}{user_id % 1000:03d}"
            for city, day, user_id in zip(city_index.tolist(), born.tolist(), ids, strict=True)
        ]
        digests = id_number_digests(first_17, self.id_key)
        names = self.names[
            rng.integers(len(shape["family_names"]), size=count),
            rng.integers(len(shape["given_name_lengths"]), size=count),
        ].tolist()
        tokens = encrypt_phones(self.fernet, phones)
        return {
            "users": "".join(
                f"{user_id}\t{name}\t\\\\x{digest.hex()}\t{at}\n"
                for user_id, name, digest, at in zip(ids, names, digests, joined, strict=True)
            ),
            "verifications": "".join(
                f"{user_id}\tidentity\t{PROVIDER}\t{at}\n"
                for user_id, at in zip(ids, joined, strict=True)
            ),
            "consents": "".join(
                f"{user_id}\t{purpose}\t{version}\t{at}\n"
                for user_id, at in zip(ids, joined, strict=True)
                for purpose, version in self.consents
            ),
            "contact": [
                f"\\\\x{token.hex()}\t{mask_mobile(phone)}"
                for token, phone in zip(tokens, phones, strict=True)
            ],
        }


def _post_text(post: dict) -> str:
    """Posts in POST_COLUMNS' order, by hand: only the note and hint are free text, escaped
    once in the tables they come from."""
    kinds = np.where(post["need"], "need", "offer").tolist()
    statuses = np.array(STATUSES, dtype=object)[post["status"]].tolist()
    post["kind"], post["status_text"] = kinds, statuses
    columns = [
        post["id"].tolist(),
        post["user_id"].tolist(),
        kinds,
        statuses,
        post["edition"].tolist(),
        post["location"].tolist(),
        post["public_position"],
        post["area_code"].tolist(),
        post["note"].tolist(),
        post["public_note"].tolist(),
        [str(MASKING_VERSION)] * len(kinds),
        post["area_name"].tolist(),
        post["hint"].tolist(),
        post["urgency"].tolist(),
        post["contact"].tolist(),
        *(post[c] for c in ("created_at", "updated_at", "expires_at", "renewed_at", "resolved_at")),
    ]
    return "".join(
        ["\t".join(fields) + "\n" for fields in zip(*map(_strings, columns), strict=True)]
    )


def _item_text(post: dict, items: dict) -> str:
    """Items in ITEM_COLUMNS' order, with their post's fields as the copying trigger would."""
    at = items["post"]
    shared = [
        f"{kind}\t{status}\t{created}\t{expires}\t{position}\n"
        for kind, status, created, expires, position in zip(
            post["kind"],
            post["status_text"],
            post["created_at"],
            post["expires_at"],
            post["public_position"],
            strict=True,
        )
    ]
    return "".join(
        f"{post_id}\t{medicine}\t{position}\t{quantity}\t{unit}\t{offer}\t{shared[index]}"
        for index, post_id, medicine, position, quantity, unit, offer in zip(
            at.tolist(),
            post["id"][at].tolist(),
            items["medicine_id"].tolist(),
            items["position"].tolist(),
            items["quantity"].tolist(),
            items["unit"].tolist(),
            items["offer"],
            strict=True,
        )
    )


def _area_name(code: str | None) -> str:
    """area_name as create_post stores it: the division's name (NULL: left to the database)."""
    return NULL if code is None else text_field(district(code).name_zh)


def _strings(column: list) -> list[str]:
    return column if not column or isinstance(column[0], str) else [str(v) for v in column]


def _normalised(weights) -> np.ndarray:
    array = np.array(list(weights), dtype=float)
    return array / array.sum()
