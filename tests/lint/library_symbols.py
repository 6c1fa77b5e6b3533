"""library_symbols.py - the symbols a built library defines, for the lint checks that read it
(check_hot_functions.py, check_read_mostly.py)."""
import subprocess


def defined_symbols(library, kinds=None):
    """{name: [addresses]} of the symbols `nm` lists as defined in library (static ones may share
    a name); only those whose nm type letter is in kinds, when given ("tT": code)."""
    nm = subprocess.run(["nm", "--defined-only", library], capture_output=True, text=True,
                        check=True).stdout
    found = {}
    for line in nm.splitlines():
        fields = line.split()
        if len(fields) == 3 and (kinds is None or fields[1] in kinds):
            found.setdefault(fields[2], []).append(int(fields[0], 16))
    return found
