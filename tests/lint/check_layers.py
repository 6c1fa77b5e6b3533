#!/usr/bin/env python3
"""check_layers.py - the house rule of docs/architecture.md: no file reaches into a layer above its own,
and no two files call each other round a loop.

Usage: check_layers.py SOURCE_DIR [--debts FILE] [--print]

Each half of the tree (interpose/, analyzer/) is a stack of folders, lowest first (LAYERS below); common/
is below both. A file's layer is its folder's (a sub-folder belongs to its parent: wrappers/tsan/ is
wrappers/); the files at a half's root have the layer LAYERS calls '.'.

Checked, per half:
  include  `#include "dir/x.h"` of a header in a higher layer;
  call     a call of an lh_* function defined in a file of a higher layer;
  loop     modules that call each other round a cycle (each strongly connected component of the
           module call graph with more than one module is one loop, named by its modules).
A module is a .c file with the .h of the same name (the header's inline functions are the module's).
A function is "defined" in the file that holds its body (`name(...) {` at the start of a line, or a
`static inline` body in a header); a call is `name(` inside braces (a body: declarations are not
calls) anywhere else, comments and strings excluded.
Calls through function pointers and macros that expand to calls are not seen.

The debts file lists the violations the tree still has, one per line, exactly as --print writes
them. The check fails on any violation not listed there (a new one) and on any listed one that is
gone (so the list only shrinks, and the file stays true). Exit 0 when they agree, 1 otherwise.
"""
import os
import re
import sys

# '.' is the files at the half's root: lifecycle.c orchestrates the engines below it and is what
# the wrappers call for a process's moments (start, fork, thread start and end); main.c is the
# analyzer's entry point, above everything.
LAYERS = {
    'interpose': ['base', 'runfile', 'registry', 'watch', 'lockorder', 'race', '.', 'wrappers'],
    'analyzer': ['base', 'model', 'symbols', 'analysis', 'report', 'commands', '.'],
}


# A thread's state (struct lh_thread, one TLS block so that the fast path reads it with one
# access) holds a part for every engine: the header that declares it may include their headers
# for their types. Its functions, like every other, call nothing above their layer.
AGGREGATES = {'interpose/registry/thread_state.h'}


def layer_of(half, rel):
    """rel: path inside the half, e.g. 'wrappers/tsan/tsan_atomics.c'."""
    parts = rel.split('/')
    return LAYERS[half].index(parts[0] if len(parts) > 1 else '.')


def bodies(text):
    """text with everything outside braces blanked (prototypes, macros at file level)."""
    out, depth = [], 0
    for ch in text:
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth = max(depth - 1, 0)
        out.append(ch if depth > 0 or ch == '\n' else ' ')
    return ''.join(out)


def module(rel):
    return os.path.splitext(rel)[0]


def strip_comments_and_strings(text):
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)

    def blank(m):
        s = m.group(0)
        if s.startswith('"') or s.startswith("'"):
            return '""'
        return re.sub(r'[^\n]', ' ', s)
    return pattern.sub(blank, text)


DEFINITION = re.compile(r'^(?!\s)(?:[\w\s\*]+?)\b(lh_\w+)\s*\(([^;{]*?)\)\s*(?:__attribute__\s*\(\(.*?\)\)\s*)*\{',
                        re.M | re.S)
CALL = re.compile(r'\b(lh_\w+)\s*\(')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(src, half):
    base = os.path.join(src, half)
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith(('.c', '.h')):
                path = os.path.join(d, f)
                yield os.path.relpath(path, base), path


def check_half(src, half):
    files = {rel: open(path, encoding='utf-8').read() for rel, path in sources(src, half)}
    code = {rel: strip_comments_and_strings(text) for rel, text in files.items()}
    defined = {}
    for rel, text in code.items():
        for m in DEFINITION.finditer(text):
            defined.setdefault(m.group(1), set()).add(rel)
    out = []
    for rel, text in sorted(files.items()):
        mine = layer_of(half, rel)
        for inc in INCLUDE.findall(text):
            if inc.startswith('common/'):
                continue
            if inc in files and layer_of(half, inc) > mine and f'{half}/{rel}' not in AGGREGATES:
                out.append(f'include {half}/{rel} -> {half}/{inc}')
    calls = {}
    for rel, text in code.items():
        mine = layer_of(half, rel)
        targets = set()
        for name in set(CALL.findall(bodies(text))):
            homes = defined.get(name, set())
            if not homes or rel in homes or module(rel) in {module(h) for h in homes}:
                continue
            for home in homes:
                targets.add(home)
        calls.setdefault(module(rel), set()).update(module(t) for t in targets)
        for t in sorted(targets):
            if layer_of(half, t) > mine:
                out.append(f'call {half}/{rel} -> {half}/{t}')
    for loop in strongly_connected(calls):
        if len(loop) > 1:
            out.append('loop ' + ' '.join(f'{half}/{f}' for f in sorted(loop)))
    return out


def strongly_connected(graph):
    """Tarjan's algorithm, iterative (a loop of hundreds of files must not hit Python's recursion limit)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                result.append(component)
    return result


def main(argv):
    if len(argv) < 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    src = argv[1]
    debts_path, show = None, False
    rest = argv[2:]
    while rest:
        a = rest.pop(0)
        if a == '--debts' and rest:
            debts_path = rest.pop(0)
        elif a == '--print':
            show = True
        else:
            print(f'check_layers: unknown argument {a!r}', file=sys.stderr)
            return 2
    found = []
    for half in LAYERS:
        if not os.path.isdir(os.path.join(src, half)):
            print(f'check_layers: no {half}/ under {src}', file=sys.stderr)
            return 2
        found += check_half(src, half)
    if show:
        print('\n'.join(found))
        return 0
    debts = []
    if debts_path:
        with open(debts_path, encoding='utf-8') as f:
            debts = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    new = sorted(set(found) - set(debts))
    paid = sorted(set(debts) - set(found))
    for v in new:
        print(f'new layer violation: {v}', file=sys.stderr)
    for v in paid:
        print(f'no longer true, remove it from {debts_path}: {v}', file=sys.stderr)
    if new or paid:
        print('check_layers: see docs/architecture.md, "Layers"', file=sys.stderr)
        return 1
    print(f'check_layers: {len(found)} known debts, nothing new')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
