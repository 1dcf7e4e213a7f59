"""The free tier's WF3 outline on real material: is it ours, about the production, timed and honest?

    .venv/bin/python benchmarks/wf3_outline.py [--show P01]

Data: the 37 real production ideas of `benchmarks/data/linking/` (title, notes as a team writes
them, format, the Empire's niche) each with the TED talks a person labelled as its references,
whose real transcript openings WF1's rule analysis decodes (see that folder's SOURCES.md). Each
production is outlined by the rule provider with the references it was labelled with, in the
default style, and the outline is checked line by line:

- copied runs: runs of more than 12 words the originality guard finds in the page (target 0);
- first person: sentences of ours (directions, moves; the team's own title and notes left out)
  in the first person (target 0: a reference's "I quit my job" is never the host's);
- quotations: how many, the longest (target <= 12 words), and any that are not a whole
  sentence of the reference's transcript (target 0);
- notes covered: points of the notes that have their own beat (target 100 %);
- learned from a reference: body beats that name a reference that speaks to their point,
  and hooks with a reference's pattern;
- timed: outlines whose length is inside the style's range for their format (target 100 %);
- the time to outline one production (decoding excluded).

Last line (machine-readable): productions=N copied_runs=X first_person=Y max_quote_words=Z
notes_covered=P body_learned=Q timed=R ms_per_outline=S
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from young_production.ai.rules import RuleProvider
from young_production.records import DNAStatus, Production, SourceType, TranscriptSource, VideoFormat, ViralDNA, body_text
from young_production.skills.dna.decode import analyse_dna
from young_production.skills.scripting.draft import DraftInputs, ProductionDraft, draft_production
from young_production.skills.scripting.enforce import sentences_of
from young_production.skills.scripting.outline import FIRST_PERSON, MAX_QUOTE_WORDS, note_angle, note_points
from young_production.skills.scripting.render import draft_blocks
from young_production.skills.scripting.style import DEFAULT_STYLE
from young_production.text.sentences import words
from young_production.transcript import Segment, Transcript

DATA = Path(__file__).parent / "data" / "linking"
QUOTE = re.compile(r"\u201c([^\u201d]+)\u201d \((R\d+), \u2018")


def load() -> tuple[list[dict], dict[str, ViralDNA]]:
    productions = json.loads((DATA / "productions.json").read_text(encoding="utf-8"))
    wanted = {ref for p in productions for ref in p["relevant"]}
    refs: dict[str, ViralDNA] = {}
    for line in (DATA / "references.jsonl").read_text(encoding="utf-8").splitlines():
        ref = json.loads(line)
        if ref["id"] not in wanted:
            continue
        transcript = Transcript(TranscriptSource.CAPTIONS, [Segment(ref["excerpt"])])
        source = SourceType(ref["source_type"])
        analysis = analyse_dna(RuleProvider(), transcript, title=ref["title"], source_type=source)
        refs[ref["id"]] = ViralDNA(
            id=ref["id"], title=ref["title"], url=ref["url"], source_type=source, niche_tags=ref["tags"],
            status=DNAStatus.ENCODED, transcript=ref["excerpt"], perspective=analysis.perspective,
            hook=analysis.hook, hook_pattern=analysis.hook_pattern, open_loop=analysis.open_loop)
    return productions, refs


def outline(item: dict, refs: dict[str, ViralDNA]) -> ProductionDraft:
    production = Production(id=item["id"], title=item["title"], notes=item["notes"], format=VideoFormat(item["format"]))
    inputs = DraftInputs(DEFAULT_STYLE, [refs[r] for r in item["relevant"]], niche=item["empire_niche"])
    return draft_production(RuleProvider(), production, inputs,
                            full_draft="`yp run wf3 --production ID --provider anthropic`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", metavar="ID", help="print the outline page of one production (P01...)")
    args = parser.parse_args()
    productions, refs = load()
    if args.show:
        item = next(p for p in productions if p["id"] == args.show)
        print(body_text(draft_blocks(outline(item, refs))))
        return

    copied = first_person = not_whole = covered = points = body = body_learned = hooks_learned = timed = 0
    quotes: list[int] = []
    started = time.process_time()
    drafts = [(item, outline(item, refs)) for item in productions]
    ms = (time.process_time() - started) * 1000 / len(drafts)
    for item, draft in drafts:
        script = draft.script
        copied += len(draft.flags)
        wanted = note_points(item["notes"])
        own = [item["title"], *wanted, *(a for a in [note_angle(item["notes"])] if a)]  # the team's words
        for beat in script.beats:
            for part in (beat.text, beat.move or ""):
                for phrase in own:
                    part = part.replace(phrase, "").replace(phrase[:1].upper() + phrase[1:], "")
                first_person += sum(bool(FIRST_PERSON & {w.lower() for w in words(s)}) for s in sentences_of(part))
            for text, label in (QUOTE.findall(beat.example) if beat.example else []):
                quotes.append(len(words(text)))
                ref = next(r for r in script.references if r.label == label)
                not_whole += text not in ref.transcript or text[-1] not in ".!?"
        points += len(wanted)
        covered += sum(any(p.lower() in b.text.lower() for b in script.beats if b.role == "beat") for p in wanted)
        firsts = [b for b in script.beats if b.role == "beat" and (b.chapter or script.format == "short")]
        body += len(firsts)
        body_learned += sum(b.reference is not None for b in firsts)
        hooks_learned += script.beats[0].reference is not None
        low, high = ((s * 60 for s in script.style.video_minutes) if script.format == "video"
                     else script.style.shorts_seconds)
        timed += low <= script.seconds <= high

    n = len(drafts)
    print(f"WF3 outlines of {n} real production ideas ({sum(i['format'] == 'short' for i in productions)} Shorts), "
          f"{sum(len(i['relevant']) for i in productions)} linked references, default style")
    print(f"  copied runs (> 12 words) in our pages: {copied}   (target 0)")
    print(f"  our sentences in the first person:      {first_person}   (target 0)")
    print(f"  quotations: {len(quotes)}, longest {max(quotes, default=0)} words (target <= {MAX_QUOTE_WORDS}), "
          f"not a whole sentence of the reference: {not_whole}")
    print(f"  notes points with their own beat:       {covered}/{points} ({covered / max(points, 1):.0%})")
    print(f"  body beats learned from a reference:    {body_learned}/{body} ({body_learned / max(body, 1):.0%}); "
          f"hooks: {hooks_learned}/{n}")
    print(f"  timed within the style's range:         {timed}/{n} ({timed / n:.0%})")
    print(f"  outline time: {ms:.1f} ms per production (CPU)")
    print(f"productions={n} copied_runs={copied} first_person={first_person} max_quote_words={max(quotes, default=0)} "
          f"notes_covered={covered / max(points, 1):.2f} body_learned={body_learned / max(body, 1):.2f} "
          f"timed={timed / n:.2f} ms_per_outline={ms:.1f}")


if __name__ == "__main__":
    main()
