#!/usr/bin/env python3
"""Prunes abidw's XML of libfluvio.so to the C API, on stdin to stdout:
prune.py include/fluvio.h < abidw.xml > libfluvio.so.0.abi

abidw keeps every type of every Rust compilation unit (tokio's, rustls's...),
and its --exported-interfaces-only finds no function in Rust's DWARF. What
stays: the exported fluvio_* functions and the types their signatures
reach, the opaque handles of the header (`struct fluvio_client;`) as
declarations only (their Rust layout is private), in one compilation unit
with a fixed path, so that the baseline does not depend on where or with
which codegen-unit split the library was built."""

import re
import sys
import xml.etree.ElementTree as ET

with open(sys.argv[1]) as header:
    OPAQUE = set(re.findall(r"^struct (fluvio_\w+);$", header.read(), re.MULTILINE))

corpus = ET.parse(sys.stdin).getroot()
by_id = {}
for element in corpus.iter():
    if "id" in element.attrib:
        by_id[element.attrib["id"]] = element


def is_exported_function(element):
    return (element.tag == "function-decl" and element.get("name", "").startswith("fluvio_")
            and "elf-symbol-id" in element.attrib)


def strip_methods(element):
    # C has no methods: member functions of Rust types are not part of the ABI.
    for child in list(element):
        if child.tag == "member-function":
            element.remove(child)
        else:
            strip_methods(child)


def references(element):
    # Type ids an element uses, not counting nested type definitions (those
    # are reached through their own ids).
    found = []
    stack = [element]
    while stack:
        node = stack.pop()
        if "type-id" in node.attrib:
            found.append(node.attrib["type-id"])
        for child in node:
            if child.tag == "member-type":
                continue
            stack.append(child)
    return found


def make_opaque(element):
    for child in list(element):
        element.remove(child)
    for attribute in ("size-in-bits", "alignment-in-bits"):
        element.attrib.pop(attribute, None)
    element.set("is-declaration-only", "yes")


strip_methods(corpus)
for element in by_id.values():
    if element.tag == "class-decl" and element.get("name") in OPAQUE:
        make_opaque(element)
seeds = [e for e in corpus.iter() if is_exported_function(e)]
reachable = set()
pending = [t for s in seeds for t in references(s)]
while pending:
    type_id = pending.pop()
    if type_id in reachable or type_id not in by_id:
        continue
    reachable.add(type_id)
    pending.extend(references(by_id[type_id]))


def keep(element):
    if element.tag == "function-decl":
        return is_exported_function(element)
    if element.tag == "var-decl":
        return element.get("name", "").startswith("fluvio_") and "elf-symbol-id" in element.attrib
    if "id" in element.attrib:
        return element.attrib["id"] in reachable
    if element.tag == "member-type":
        return any(c.get("id") in reachable for c in element)
    return True


def prune(parent):
    for child in list(parent):
        if not keep(child):
            parent.remove(child)
            continue
        prune(child)
        if child.tag in ("namespace-decl", "member-type") and len(child) == 0:
            parent.remove(child)


units = [u for u in corpus if u.tag == "abi-instr"]
merged = ET.Element("abi-instr", {"address-size": "64", "path": "libfluvio", "language": "LANG_Rust"})
for unit in units:
    prune(unit)
    merged.extend(list(unit))
    corpus.remove(unit)
corpus.append(merged)
ET.indent(corpus)
sys.stdout.write(ET.tostring(corpus, encoding="unicode") + "\n")
