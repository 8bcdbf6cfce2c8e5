#!/usr/bin/env python3
"""
Builds templates/fonts/: the faces the printed forms and the published site use, as woff2 slices with
TrueType outlines, and fonts.json, the list the runtime reads (src/assets/fonts.ts; served by src/pdf/fonts.ts, copied by src/output/site/fonts.ts).

Run it through scripts/fonts/build.sh, which finds the sources and the tools. Sources:
  --fandol   FandolFang-Regular.otf (Debian's texlive-lang-chinese; CTAN fonts/fandol), GPL 3 + font exception
  --fontsource-serif / --fontsource-sans  the @fontsource/noto-serif-sc and -sans-sc packages (SIL OFL 1.1)
  --wenkai   the folder of @chinese-fonts/lxgwwenkai's LXGWWenKai-Regular slices (SIL OFL 1.1)

Why the work is needed:
  * Chromium prints CFF-outline fonts (FandolFang, Debian's Noto CJK) as unnamed Type 3 fonts; TrueType
    outlines print as subset CID TrueType fonts that name the face. FandolFang is converted with cu2qu.
  * Shipping every face whole costs ~245 MB installed; the forms need a few faces and a known repertoire.
  * Each face is cut into slices along the frequency-ordered groups Google uses for Noto CJK, so the site
    copies (and a browser or Chromium loads) only the slices whose characters a page uses.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

# ---- repertoires --------------------------------------------------------------------------------------


def encoding_set(enc: str, lead: range) -> set[int]:
    """Every character a double-byte encoding can write (GB2312, GBK), plus ASCII."""
    out = set(range(0x20, 0x7F))
    for a in lead:
        for b in range(0x40, 0xFF):
            try:
                ch = bytes([a, b]).decode(enc)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                out.add(ord(ch))
    return out


def ranges(*pairs: tuple[int, int]) -> set[int]:
    return {cp for a, b in pairs for cp in range(a, b + 1)}


GB2312 = encoding_set("gb2312", range(0xA1, 0xF8))
# GB18030-2022 (and the WHATWG Encoding Standard that Node 22's and 24's TextDecoder follow) decodes these GBK
# codes to standard code points where Python's codecs (and Node 20) still give private use: CJK radicals and
# components (FE50–FEA0), vertical forms (A6D9–A6F3), ideographic description characters (A989–A995), € and the rest.
GB18030_2022 = {
    0x20AC, 0x3000, 0x1E3F, 0x01F9, 0x303E, *range(0xFE10, 0xFE1A), *range(0x2FF0, 0x2FFC),
    0x2E81, 0x2E84, 0x2E88, 0x2E8B, 0x2E8C, 0x2E97, 0x2EA7, 0x2EAA, 0x2EAE, 0x2EB3, 0x2EB6, 0x2EB7, 0x2EBB, 0x2ECA,
    *range(0x9FB4, 0x9FBC),
    0x3473, 0x3447, 0x359E, 0x361A, 0x360E, 0x396E, 0x3918, 0x39CF, 0x39DF, 0x3A73, 0x39D0, 0x3B4E, 0x3C6E, 0x3CE0,
    0x4056, 0x415F, 0x4337, 0x43B1, 0x43AC, 0x43DD, 0x44D6, 0x4661, 0x464C, 0x4723, 0x4729, 0x477C, 0x478D, 0x4947,
    0x497A, 0x497D, 0x4982, 0x4983, 0x4985, 0x4986, 0x499F, 0x499B, 0x49B7, 0x49B6, 0x4CA3, 0x4C9F, 0x4CA0, 0x4CA1,
    0x4C77, 0x4CA2, 0x4D13, 0x4D14, 0x4D15, 0x4D16, 0x4D17, 0x4D18, 0x4D19, 0x4DAE,
}
GBK = encoding_set("gbk", range(0x81, 0xFF)) | GB18030_2022
EXT_A = ranges((0x3400, 0x4DBF))
PRIVATE_USE = ranges((0xE000, 0xF8FF))
# Latin, punctuation and the symbols office text uses (numbers forms Ⅰ, arrows, maths, ①, boxes, ※, ㈠, ㎡,
# full-width forms). Each face keeps the ones it has.
LATIN = ranges((0x20, 0x7E), (0xA0, 0x17F), (0x2010, 0x205E), (0x20AC, 0x20AC))
SYMBOLS = ranges(
    (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x2500, 0x257F),
    (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF), (0x3000, 0x303F), (0x3200, 0x32FF), (0x3300, 0x33FF),
    (0xFE30, 0xFE4F), (0xFE50, 0xFE6F), (0xFF00, 0xFFEF),
)
# Check boxes and ticks, all drawn from one face so that □ and ☑ in one line look alike (no CJK body face
# has ☐ ☑ ☒ ✓ ✗; LXGW WenKai has them all).
MARKS = {ord(c) for c in "□■☐☑☒✓✗"}


def text_chars(root: Path) -> set[int]:
    """Characters of the shipped templates and programmes: they must be in every face that prints them."""
    out: set[int] = set()
    for sub in ("templates/forms", "templates/programmes", "templates/site"):
        for p in sorted((root / sub).rglob("*")):
            if p.is_file() and p.suffix in (".hbs", ".yaml", ".yml", ".css", ".js"):
                out |= {ord(c) for c in p.read_text(encoding="utf-8")}
    return {c for c in out if c >= 0x20}


# ---- fonts -------------------------------------------------------------------------------------------


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replaces CFF outlines by quadratic TrueType ones (as fontTools' otf2ttf snippet does)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for k in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
              "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    font["maxp"] = maxp
    font["post"].formatType = 3.0
    font.sfntVersion = "\0\1\0\0"


def set_names(font: TTFont, family: str, style: str, postscript: str) -> None:
    """Plain names (fontsource's instances are called e.g. "Noto Serif SC ExtraLight Bold"); the PDF shows
    the PostScript name. Copyright (0), licence (13, 14) and version (5) stay as the font had them."""
    name = font["name"]
    for nid, value in ((1, family), (2, style), (4, f"{family} {style}"), (6, postscript), (16, family), (17, style)):
        name.removeNames(nameID=nid)
        if nid in (16, 17):
            continue
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    name.removeNames(nameID=3)
    name.setName(f"{postscript};djyc-subset", 3, 3, 1, 0x409)


def subset_font(source: Path | bytes, chars: set[int]) -> TTFont | None:
    """The font (a file, or a whole font's bytes) cut down to `chars`; None when it has none of them."""
    out = TTFont(io.BytesIO(source) if isinstance(source, bytes) else source)
    have = set(out.getBestCmap()) & chars
    if not have:
        return None
    opts = subset.Options()
    opts.hinting = False  # PDF viewers and printers do not use TrueType hinting; it only adds bytes
    opts.desubroutinize = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.layout_features = ["ccmp", "locl", "kern", "liga", "vert", "vrt2", "palt", "halt", "fwid", "hwid", "pwid"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(have))
    sub.subset(out)
    return out


def range_string(cps: set[int]) -> str:
    """"U+4e00-4e05,U+4e08" (lower-case hex, as the font packages write it)."""
    cps_sorted = sorted(cps)
    parts = []
    i = 0
    while i < len(cps_sorted):
        j = i
        while j + 1 < len(cps_sorted) and cps_sorted[j + 1] == cps_sorted[j] + 1:
            j += 1
        a, b = cps_sorted[i], cps_sorted[j]
        parts.append(f"U+{a:x}" if a == b else f"U+{a:x}-{b:x}")
        i = j + 1
    return ",".join(parts)


def parse_range(value: str) -> set[int]:
    out: set[int] = set()
    for part in value.split(","):
        m = re.match(r"\s*U\+([0-9a-f?]+)(?:-([0-9a-f]+))?\s*$", part, re.I)
        if not m:
            continue
        if "?" in m.group(1):
            a, b = int(m.group(1).replace("?", "0"), 16), int(m.group(1).replace("?", "f"), 16)
        else:
            a = int(m.group(1), 16)
            b = int(m.group(2), 16) if m.group(2) else a
        out |= set(range(a, b + 1))
    return out


def css_slices(css_path: Path) -> list[tuple[Path, set[int]]]:
    """(woff2 file, unicode-range) of each @font-face of a font package's stylesheet, in its order."""
    text = css_path.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"@font-face\s*\{[^}]*\}", text):
        url = re.search(r"url\(\s*[\"']?([^\"')]+\.woff2)[\"']?\s*\)", block)
        rng = re.search(r"unicode-range\s*:\s*([^;}]+)", block)
        if url and rng:
            out.append(((css_path.parent / url.group(1)).resolve(), parse_range(rng.group(1))))
    if not out:
        sys.exit(f"no @font-face rules with woff2 files in {css_path}")
    return out


def save_woff2(font: TTFont, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same sources, same bytes: no build time in the file (a rebuild changes only what really changed).
    font.recalcTimestamp = False
    font["head"].modified = font["head"].created
    font.flavor = "woff2"
    buf = io.BytesIO()
    font.save(buf)
    path.write_bytes(buf.getvalue())
    return len(buf.getvalue())


# ---- the build -----------------------------------------------------------------------------------------


def build_from_slices(slices, chars, face, out_dir: Path) -> list[dict]:
    """Each source slice, cut down to `chars`, becomes one output slice (empty ones are dropped)."""
    files = []
    n = 0
    for src, declared in slices:
        # Only what the package's stylesheet says the slice is for: every slice also maps a few shared
        # characters (the space, …) that another slice serves.
        sub = subset_font(src, chars & declared)
        if sub is None:
            continue
        set_names(sub, face["font_family"], face["style"], face["postscript"])
        cps = set(sub.getBestCmap())
        rel = f"{face['key']}/{n:03d}.woff2"
        size = save_woff2(sub, out_dir / rel)
        files.append({"file": rel, "range": range_string(cps), "chars": len(cps), "bytes": size})
        n += 1
    return files


def build_from_font(font: TTFont, chars, plan, face, out_dir: Path) -> list[dict]:
    """One whole font cut along `plan` (the groups of another face's slices); what no group holds goes into
    slices of at most 600 characters in code point order."""
    have = set(font.getBestCmap()) & chars
    buf = io.BytesIO()
    font.save(buf)
    data = buf.getvalue()
    groups = []
    left = set(have)
    for _, grp in plan:
        g = grp & left
        if g:
            groups.append(g)
            left -= g
    rest = sorted(left)
    for i in range(0, len(rest), 600):
        groups.append(set(rest[i:i + 600]))
    files = []
    for n, g in enumerate(groups):
        sub = subset_font(data, g)
        set_names(sub, face["font_family"], face["style"], face["postscript"])
        rel = f"{face['key']}/{n:03d}.woff2"
        size = save_woff2(sub, out_dir / rel)
        files.append({"file": rel, "range": range_string(set(sub.getBestCmap())), "chars": len(g), "bytes": size})
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fandol", required=True, type=Path)
    ap.add_argument("--fontsource-serif", required=True, type=Path)
    ap.add_argument("--fontsource-sans", required=True, type=Path)
    ap.add_argument("--wenkai", required=True, type=Path, help="folder holding result.css and its slices")
    ap.add_argument("--root", default=Path(__file__).resolve().parents[2], type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", help="comma-separated face keys to rebuild (the others are kept)")
    args = ap.parse_args()
    root: Path = args.root
    out_dir: Path = args.out or root / "templates" / "fonts"

    fandol = TTFont(args.fandol)
    fang_chars = set(fandol.getBestCmap()) - PRIVATE_USE
    common = (GB2312 | LATIN | SYMBOLS | {c for c in fang_chars if c >= 0x2E80} | text_chars(root)) - PRIVATE_USE
    kai = (GBK | EXT_A | common) - PRIVATE_USE
    serif_plan = css_slices(args.fontsource_serif / "400.css")

    faces = [
        dict(key="fang", family="DJYC Fang", weight=400, role="body",
             font_family="FandolFang", style="Regular", postscript="FandolFang-Regular",
             license="GPL-3.0 with font exception", license_file="LICENSE-Fandol.txt",
             source="FandolFang-Regular.otf 1.300 (CTAN fonts/fandol v0.3; Debian texlive-lang-chinese), CFF outlines converted to TrueType"),
        dict(key="song-400", family="DJYC Song", weight=400, role="numbers",
             font_family="Noto Serif SC", style="Regular", postscript="NotoSerifSC-Regular",
             license="OFL-1.1", license_file="LICENSE-NotoSC.txt", source="@fontsource/noto-serif-sc 400 (Latin and punctuation only: page numbers)"),
        dict(key="song-700", family="DJYC Song", weight=700, role="title",
             font_family="Noto Serif SC", style="Bold", postscript="NotoSerifSC-Bold",
             license="OFL-1.1", license_file="LICENSE-NotoSC.txt", source="@fontsource/noto-serif-sc 700"),
        dict(key="hei-400", family="DJYC Hei", weight=400, role="text",
             font_family="Noto Sans SC", style="Regular", postscript="NotoSansSC-Regular",
             license="OFL-1.1", license_file="LICENSE-NotoSC.txt", source="@fontsource/noto-sans-sc 400"),
        dict(key="hei-700", family="DJYC Hei", weight=700, role="text",
             font_family="Noto Sans SC", style="Bold", postscript="NotoSansSC-Bold",
             license="OFL-1.1", license_file="LICENSE-NotoSC.txt", source="@fontsource/noto-sans-sc 700"),
        dict(key="kai", family="DJYC Kai", weight=400, role="fallback",
             font_family="LXGW WenKai", style="Regular", postscript="LXGWWenKai-Regular",
             license="OFL-1.1", license_file="LICENSE-LXGWWenKai.txt", source="@chinese-fonts/lxgwwenkai LXGWWenKai-Regular (GBK, CJK Ext-A and symbols)"),
        dict(key="marks", family="DJYC Marks", weight=400, role="marks",
             font_family="LXGW WenKai", style="Regular", postscript="LXGWWenKai-Regular",
             license="OFL-1.1", license_file="LICENSE-LXGWWenKai.txt", source="@chinese-fonts/lxgwwenkai LXGWWenKai-Regular (check boxes and ticks only)"),
    ]
    only = set(args.only.split(",")) if args.only else None
    manifest_path = out_dir / "fonts.json"
    old = {f["key"]: f for f in json.loads(manifest_path.read_text())["faces"]} if manifest_path.exists() else {}

    built = []
    for face in faces:
        key = face["key"]
        if only is not None and key not in only and key in old:
            built.append(old[key])
            continue
        shutil.rmtree(out_dir / key, ignore_errors=True)
        print(f"[fonts] {key} …", file=sys.stderr, flush=True)
        if key == "fang":
            font = TTFont(args.fandol)
            cff_to_truetype(font)
            files = build_from_font(font, fang_chars, serif_plan, face, out_dir)
        elif key.startswith("song-") or key.startswith("hei-"):
            pkg = args.fontsource_serif if key.startswith("song-") else args.fontsource_sans
            chars = LATIN if key == "song-400" else common
            files = build_from_slices(css_slices(pkg / f"{face['weight']}.css"), chars, face, out_dir)
        elif key == "kai":
            files = build_from_slices(css_slices(args.wenkai / "result.css"), kai, face, out_dir)
        else:
            files = build_from_slices(css_slices(args.wenkai / "result.css"), MARKS, face, out_dir)
        total = sum(f["bytes"] for f in files)
        chars_n = sum(f["chars"] for f in files)
        print(f"[fonts] {key}: {len(files)} slices, {chars_n} characters, {total / 1e6:.2f} MB", file=sys.stderr)
        entry = {k: face[k] for k in ("key", "family", "weight", "role", "postscript", "license", "license_file", "source")}
        entry["files"] = [{"file": f["file"], "range": f["range"]} for f in files]
        entry["bytes"] = total
        entry["chars"] = chars_n
        built.append(entry)

    manifest = {
        "generator": "scripts/fonts/build.sh (scripts/fonts/build.py); do not edit by hand",
        "faces": built,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"[fonts] {sum(f['bytes'] for f in built) / 1e6:.2f} MB in {sum(len(f['files']) for f in built)} files → {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
