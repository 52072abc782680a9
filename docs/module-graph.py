#!/usr/bin/env python3
"""Prints twinloop's Maven module graph as Mermaid, from the pom.xml files (standard library only).

    python3 docs/module-graph.py            prints it
    python3 docs/module-graph.py --write    puts it into docs/architecture.md between the module-graph markers

Edges are the io.twinloop dependencies each module declares; an edge that another path already implies
(cli -> model when cli -> serving -> model) is left out of the drawing and listed in the table below it.
"""
import io
import pathlib
import sys
from contextlib import redirect_stdout
import xml.etree.ElementTree as ET

NS = {"m": "http://maven.apache.org/POM/4.0.0"}
ROOT = pathlib.Path(__file__).resolve().parent.parent


def modules(pom):
    """Yields (folder, pom tree) of every jar module under the aggregator pom, depth first."""
    tree = ET.parse(pom)
    names = [m.text for m in tree.getroot().findall("m:modules/m:module", NS)]
    if not names:
        yield pom.parent, tree
    for name in names:
        yield from modules(pom.parent / name / "pom.xml")


graph = {}
folders = {}
for folder, tree in modules(ROOT / "pom.xml"):
    artifact = tree.getroot().find("m:artifactId", NS).text.removeprefix("twinloop-")
    folders[artifact] = folder.relative_to(ROOT).as_posix()
    graph[artifact] = [d.find("m:artifactId", NS).text.removeprefix("twinloop-")
                       for d in tree.getroot().findall("m:dependencies/m:dependency", NS)
                       if d.find("m:groupId", NS).text == "io.twinloop"
                       and (d.find("m:scope", NS) is None or d.find("m:scope", NS).text in ("compile", "runtime"))]


def reachable(start, skip_edge):
    seen, todo = set(), [d for d in graph[start] if (start, d) != skip_edge]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen



def draw():
    print("```mermaid")
    print("graph BT")
    for module, folder in folders.items():
        print(f'  {module}["{module}<br/>{folder}"]')
    implied = []
    for module, deps in graph.items():
        for dep in deps:
            if dep in reachable(module, (module, dep)):
                implied.append((module, dep))
            else:
                print(f"  {module} --> {dep}")
    print("```")
    print()
    print("| module | folder | declares (io.twinloop, compile) |")
    print("|---|---|---|")
    for module, deps in graph.items():
        print(f"| {module} | `{folders[module]}` | {', '.join(deps) or '-'} |")


if "--write" in sys.argv:
    out = io.StringIO()
    with redirect_stdout(out):
        draw()
    doc = ROOT / "docs" / "architecture.md"
    text = doc.read_text()
    begin, end = "<!-- module-graph:begin -->\n", "<!-- module-graph:end -->"
    head, rest = text.split(begin, 1)
    doc.write_text(head + begin + out.getvalue() + end + rest.split(end, 1)[1])
else:
    draw()
