#!/usr/bin/env python3
"""Writes goldens/ from cases.json and templates/ with the reference renderer: jinja2 set up exactly as
transformers' render_jinja_template (transformers/utils/chat_template_utils.py) sets it up — an immutable sandbox
with trim_blocks, lstrip_blocks and loop controls, json.dumps as `tojson`, `raise_exception` and `strftime_now`
(pinned here to cases.json's "now" so the goldens stay fixed). Each case is rendered with and without the
generation prompt; a template that raises writes its message to a .error file instead.

    pip install jinja2 && python3 make-goldens.py
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def environment(now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return now.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    env = environment(datetime.fromisoformat(cases["now"]))
    out = os.path.join(HERE, "goldens")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))
    for name, spec in cases["templates"].items():
        with open(os.path.join(HERE, "templates", name + ".jinja"), encoding="utf-8") as f:
            template = env.from_string(f.read())
        for case in spec["cases"]:
            for gen in (True, False):
                stem = f"{name}.{case}.{'gen' if gen else 'nogen'}"
                try:
                    text = template.render(messages=cases["conversations"][case],
                                           tools=cases["tools"] if case == "tools" else None,
                                           add_generation_prompt=gen,
                                           bos_token=spec["bos_token"], eos_token=spec["eos_token"])
                    path, content = stem + ".txt", text
                except jinja2.exceptions.TemplateError as e:
                    path, content = stem + ".error", str(e)
                with open(os.path.join(out, path), "w", encoding="utf-8", newline="") as f:
                    f.write(content)


if __name__ == "__main__":
    main()
