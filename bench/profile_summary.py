"""Text summary of a py-spy ``--format raw`` profile (collapsed stacks): where the time went.

Prints per thread the sample share, then the top functions by inclusive time (any frame in
the stack) and by self time (leaf frame). Kept as text in ``bench/profiles/``.

    py-spy record -r 50 --threads --format raw -o prof.txt -- python bench/ingest_throughput.py ...
    python bench/profile_summary.py prof.txt --top 25 > bench/profiles/ingest.txt
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path


def frame_name(frame: str) -> str:
    # "func (path/to/file.py:123)" -> "func (file.py)"; keeps the table readable.
    m = re.match(r"(.*?) \((.*?):\d+\)$", frame.strip())
    if not m:
        return frame.strip()
    func, path = m.groups()
    parts = Path(path).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 else path
    return f"{func} ({short})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("raw", type=Path, help="py-spy raw (collapsed) output")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--match", default="", help="only count stacks containing this substring")
    args = p.parse_args(argv)

    incl: Counter[str] = Counter()
    self_: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in args.raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or (args.match and args.match not in stack):
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        if frames[0].startswith(("thread", "process")):
            threads[frames[0]] += n
            frames = frames[1:]
        if not frames:
            continue
        for f in {frame_name(f) for f in frames}:
            incl[f] += n
        self_[frame_name(frames[-1])] += n
    print(f"samples: {total}")
    if threads:
        print("\nby thread:")
        for t, n in threads.most_common():
            print(f"  {100 * n / total:5.1f}%  {t}")
    print(f"\ntop {args.top} inclusive:")
    for f, n in incl.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {f}")
    print(f"\ntop {args.top} self:")
    for f, n in self_.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
