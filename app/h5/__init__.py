"""The H5 square: the page people open from an official account, inside WeChat or any browser."""
