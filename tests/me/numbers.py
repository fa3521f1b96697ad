"""Made-up document numbers for tests: valid ones get their check character computed here.

None is copied from a real person; the sequence digits are arbitrary.
"""

from app.auth.identity import check_character


def with_check(first_17: str) -> str:
    """The 18-character number whose check character matches these 17 digits."""
    return first_17 + check_character(first_17)


def with_wrong_check(first_17: str) -> str:
    right = check_character(first_17)
    return first_17 + ("0" if right != "0" else "1")


def resident_id(region: str = "110105", birth: str = "19800101", sequence: str = "123") -> str:
    return with_check(region + birth + sequence)


def hmt_permit(prefix: str = "810000", birth: str = "19800101", sequence: str = "123") -> str:
    return with_check(prefix + birth + sequence)


def foreign_permanent(
    province: str = "11", nationality: str = "840", birth: str = "19800101", sequence: str = "123"
) -> str:
    return with_check("9" + province + nationality + birth + sequence)


def resident_id_ending_in_x() -> str:
    """A resident number whose check character is X, to test lower-case x."""
    for sequence in range(1000):
        number = resident_id(sequence=f"{sequence:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("some sequence gives X")
