"""The app's per-row functions, vectorised over a chunk for the bench generator.

Each mirrors one function of the app, step for step, and tests/bench checks the rows against
the original (public_position_of, id_number_digest, encrypt_phone): per row, these cost more
than the rest of a post put together.
"""

import base64
import hmac
import os
import struct
import time

import numpy as np
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.auth.identity import CHECK_CHARACTERS, CHECK_WEIGHTS
from app.posts.service import PUBLIC_JITTER_M
from geo.mercator import MERCATOR_RADIUS_M
from geo.privacy import METRES_PER_DEGREE_LATITUDE

FERNET_VERSION = b"\x80"
BLOCK = 16
PHONE_LENGTH = 11
# Little-endian EWKB of a point with an SRID: byte order, type (point | has-SRID flag), SRID, x, y.
POINT_EWKB = np.dtype(
    [("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")]
)
EWKB_POINT = 0x20000001


def public_cells(lon: np.ndarray, lat: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """to_mercator(snap_to_grid(spot, cell_m)) for each spot: its cell's centre in EPSG:3857."""
    row_height = cell_m / METRES_PER_DEGREE_LATITUDE
    centre_lat = (np.floor(lat / row_height) + 0.5) * row_height
    cell_width = cell_m / (METRES_PER_DEGREE_LATITUDE * np.cos(np.radians(centre_lat)))
    centre_lon = (np.floor(lon / cell_width) + 0.5) * cell_width
    x = MERCATOR_RADIUS_M * np.radians(centre_lon)
    y = MERCATOR_RADIUS_M * np.log(np.tan(np.pi / 4 + np.radians(centre_lat) / 2))
    return x, y


def public_positions(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, srid: int) -> list:
    """public_position_of's point for posts in cells (x, y), each with its own jitter, as
    ewkb_points writes it."""
    x = x + rng.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M, len(x))
    y = y + rng.uniform(-PUBLIC_JITTER_M, PUBLIC_JITTER_M, len(y))
    return ewkb_points(x, y, srid)


def ewkb_points(x: np.ndarray, y: np.ndarray, srid: int) -> list[str]:
    """Points as hex EWKB, the same doubles as the app's EWKT: PostGIS reads hex EWKB about
    seven times faster than EWKT, and a post's three points were a fifth of its COPY's cost."""
    rows = np.empty(len(x), POINT_EWKB)
    rows["order"], rows["type"], rows["srid"], rows["x"], rows["y"] = 1, EWKB_POINT, srid, x, y
    text = rows.tobytes().hex()
    width = 2 * POINT_EWKB.itemsize
    return [text[at : at + width] for at in range(0, len(text), width)]


def iso_times(microseconds: np.ndarray, null: str) -> list[str]:
    """UTC times (microseconds since the epoch, negative for none) as COPY text, ISO 8601."""
    text = np.char.add(
        np.datetime_as_string(microseconds.astype("datetime64[us]"), unit="us"), "+00:00"
    ).astype(object)
    text[microseconds < 0] = null
    return text.tolist()


def id_number_digests(first_17: list[str], key: str) -> list[bytes]:
    """id_number_digest(first_17 + check_character(first_17), key) for each: the check
    characters by one matrix product, the HMACs by the C one-shot (the numbers are already
    in id_number_digest's normal form: digits and an upper-case X)."""
    digits = np.frombuffer("".join(first_17).encode(), dtype=np.uint8).reshape(-1, 17) - ord("0")
    checks = (digits.astype(np.int64) @ np.array(CHECK_WEIGHTS)) % 11
    secret = key.encode()
    return [
        hmac.digest(secret, (number + CHECK_CHARACTERS[check]).encode(), "sha256")
        for number, check in zip(first_17, checks.tolist(), strict=True)
    ]


def encrypt_phones(fernet: Fernet, phones: list[str]) -> list[bytes]:
    """fernet.encrypt(phone) for each, as Fernet's spec builds a token, with one AES call for all.

    Every phone is PHONE_LENGTH bytes, one padded AES block, so each token's CBC ciphertext is
    AES(IV xor padded phone): a single ECB pass over all those blocks yields every ciphertext,
    where Fernet makes a cipher context per phone.
    """
    count = len(phones)
    if any(len(phone) != PHONE_LENGTH for phone in phones):
        raise ValueError(f"bench phones have {PHONE_LENGTH} digits")
    padding = bytes([BLOCK - PHONE_LENGTH]) * (BLOCK - PHONE_LENGTH)
    plain = np.frombuffer("".join(phone for phone in phones).encode(), np.uint8).reshape(count, -1)
    plain = np.hstack([plain, np.frombuffer(padding, np.uint8)[None, :].repeat(count, 0)])
    ivs = os.urandom(BLOCK * count)
    blocks = np.frombuffer(ivs, np.uint8).reshape(count, BLOCK) ^ plain
    # ECB over independent blocks is exactly what CBC does to a one-block message with its IV.
    encryptor = Cipher(algorithms.AES(fernet._encryption_key), modes.ECB()).encryptor()  # noqa: S305
    ciphertexts = encryptor.update(blocks.tobytes()) + encryptor.finalize()
    head = FERNET_VERSION + struct.pack(">Q", int(time.time()))
    signing_key = fernet._signing_key
    tokens = []
    for at in range(0, count * BLOCK, BLOCK):
        parts = head + ivs[at : at + BLOCK] + ciphertexts[at : at + BLOCK]
        tokens.append(base64.urlsafe_b64encode(parts + hmac.digest(signing_key, parts, "sha256")))
    return tokens
