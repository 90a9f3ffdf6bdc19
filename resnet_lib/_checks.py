"""Argument checks shared by the model builders and the analysis functions.

Why a module of its own: a learner who types ``resnet50(width=0)`` or
``stage_table("resnet51")`` should read one sentence that names the argument, the bad
value and what is allowed, not a traceback from deep inside ``torch.nn.Conv2d``. The same
rules apply whether a number is computed by a model or by pure arithmetic, so both call
these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

STEMS = ("imagenet", "cifar")
STRIDE_INS = ("3x3", "1x1")
SHORTCUTS = ("A", "B", "C")


def positive_int(name: str, value: object) -> int:
    """Return ``value`` if it is a positive int (bools are not ints here), else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a positive int, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be a positive int (>= 1), got {value}")
    return value


def progress(value: object) -> object:
    """Return ``value`` if it is ``None`` or a progress bar (``start``, ``step`` and ``finish``
    methods, as ``resnet_lib.progress.Progress`` has), else raise."""
    if value is not None and not all(callable(getattr(value, m, None))
                                     for m in ("start", "step", "finish")):
        raise TypeError(f"progress must be None or have start(), step() and finish() methods "
                        f"(e.g. a resnet_lib.progress.Progress), got {type(value).__name__}")
    return value


def choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise naming the allowed values."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def flag(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool, else raise (``plain="yes"`` is a typo, not True)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return value


def layers(value: object) -> tuple[int, int, int, int]:
    """Blocks per stage: exactly four positive ints, e.g. (3, 4, 6, 3) for ResNet-34/50."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"layers must be four positive ints such as (3, 4, 6, 3), got {value!r}")
    items = tuple(value)
    if len(items) != 4:
        raise ValueError(
            f"layers must be four positive ints (blocks in layer1..layer4) such as (3, 4, 6, 3), "
            f"got {len(items)} values: {items!r}"
        )
    for i, n in enumerate(items):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(
                f"layers must be four positive ints such as (3, 4, 6, 3); "
                f"layers[{i}] is {n!r}"
            )
    return items  # type: ignore[return-value]


def input_size(value: object) -> tuple[int, int]:
    """An image size: a positive int (square) or a (height, width) pair of positive ints."""
    if isinstance(value, bool):
        raise TypeError(
            f"input_size must be a positive int or a (height, width) pair, got {value!r}"
        )
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"input_size must be a positive int, got {value}")
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        h, w = value
        for axis, v in (("height", h), ("width", w)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(
                    f"input_size must be a positive int or a (height, width) pair of positive "
                    f"ints; the {axis} is {v!r}"
                )
        return h, w
    raise TypeError(
        f"input_size must be a positive int or a (height, width) pair of positive ints, "
        f"got {value!r}"
    )


def names(value: object, allowed: Iterable[str]) -> tuple[str, ...]:
    """A non-empty sequence of model names, each one of ``allowed`` (not a bare string)."""
    allowed = tuple(allowed)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"names must be a list of model names such as ['resnet18'], "
                        f"got {value!r}")
    out = tuple(value)
    if not out:
        raise ValueError("names must contain at least one model name")
    for n in out:
        if not isinstance(n, str):
            raise TypeError(f"names must be strings, got {n!r}")
        if n not in allowed:
            raise ValueError(f"unknown model {n!r} in names; choose from {', '.join(allowed)}")
    return out
