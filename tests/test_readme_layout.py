"""The README's layout section matches the tree: every file and folder it names exists where it
says, and every top-level module, package and engine module is named."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "young_production"


def layout() -> list[tuple[Path, str]]:
    """(the folder a line speaks of, the line) for each line of the layout block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```\nsrc/young_production/\n", 1)[1].split("```", 1)[0]
    found: list[tuple[Path, str]] = []
    top: Path = PACKAGE
    here: Path = PACKAGE
    for line in block.splitlines():
        if m := re.match(r"^(tests|benchmarks)/", line):
            top = here = ROOT / m.group(1)
        elif m := re.match(r"^  (\w+)/", line):
            top = here = PACKAGE / m.group(1)
        elif m := re.match(r"^    (\w+)/", line):
            here = top / m.group(1)
        elif re.match(r"^  \S", line):
            top = here = PACKAGE
        found.append((here, line))
    return found


def test_every_file_and_folder_the_layout_names_exists() -> None:
    missing = []
    for folder, line in layout():
        description = re.sub(r"^\s*\w+/\s", " ", line)  # the folder's own name is not a file in it
        for name in re.findall(r"\b([\w]+\.py)\b", description):
            if not (folder / name).is_file():
                missing.append(f"{folder.relative_to(ROOT)}/{name}")
        for name in re.findall(r"\b(\w+)/[,) ]", description):
            if not (folder / name).is_dir():
                missing.append(f"{folder.relative_to(ROOT)}/{name}/")
    assert missing == []


def test_the_layout_names_every_top_level_module_and_package_and_every_engine_module() -> None:
    lines = layout()
    text = "\n".join(line for _, line in lines)
    at_top = "\n".join(line for folder, line in lines if folder == PACKAGE)
    in_engine = "\n".join(line for folder, line in lines if folder == PACKAGE / "workflows" / "engine")
    unnamed = [p.name for p in PACKAGE.glob("*.py") if not re.search(rf"\b{re.escape(p.name)}", at_top)]
    unnamed += [f"{p.name}/" for p in PACKAGE.iterdir()
                if p.is_dir() and not p.name.startswith("__") and not p.name.endswith(".egg-info")
                and not re.search(rf"^  {p.name}/", text, re.M)]
    unnamed += [f"engine/{p.name}" for p in (PACKAGE / "workflows" / "engine").glob("*.py")
                if p.name != "__init__.py" and p.name not in in_engine]
    assert unnamed == []
