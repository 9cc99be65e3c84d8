#!/usr/bin/python3
# The oracle for the Jinja differential tests: renders each case with the real tools (Debian's ansible-core 2.14
# and python3-jinja2 3.1) and prints what came out, so test/unit/jinja/differential.test.ts can hold our engine
# to the same results. Run with Debian's interpreter, which has those modules:
#
#   /usr/bin/python3 test/support/jinja-oracle.py < cases.json > results.json
#
# Input: a JSON list of {"id", "mode": "arg"|"file"|"when"|"jinja", "template", "vars"}.
# Output: a JSON list, in the same order, of
#   {"id", "ok": true, "type": <python type name>, "repr": <repr(value)>, "text": <str(value) for a str>}
#   {"id", "ok": false, "error": "<ExceptionClass>: <message>"}
# and for mode "when" also "truthy": the boolean the task executor acts on.
#
# Modes:
#   arg   a task argument: Templar(loader=DataLoader(), variables=vars).template(template)
#   file  a .j2 file as the template action renders it (plugins/action/template.py): the #jinja2: header,
#         trim_blocks=True, lstrip_blocks=False, newline "\n", AnsibleEnvironment,
#         do_template(data, preserve_trailing_newlines=True, escape_backslashes=False)
#   when  a `when:` entry (a string, a bool, or a list of them) through Conditional.evaluate_conditional
#   jinja plain Jinja2: Environment(undefined=StrictUndefined, trim_blocks=True, keep_trailing_newline=True)
import atexit
import datetime
import io
import json
import os
import shutil
import sys
import tempfile

# Ansible's own configuration must not leak in: no ANSIBLE_* from the caller's environment, no ansible.cfg from
# the working directory or the home directory, and a private local temp directory.
for _k in list(os.environ):
    if _k.startswith('ANSIBLE_'):
        del os.environ[_k]
_home = tempfile.mkdtemp(prefix='jinja-oracle-')
atexit.register(shutil.rmtree, _home, True)
with open(os.path.join(_home, 'ansible.cfg'), 'w') as _f:
    _f.write('[defaults]\n')
os.environ['ANSIBLE_CONFIG'] = os.path.join(_home, 'ansible.cfg')
os.environ['ANSIBLE_LOCAL_TEMP'] = os.path.join(_home, 'tmp')
os.environ['ANSIBLE_NOCOLOR'] = '1'
os.environ['ANSIBLE_DEPRECATION_WARNINGS'] = '0'
os.environ['ANSIBLE_SYSTEM_WARNINGS'] = '0'
os.chdir(_home)

# Everything the libraries print (warnings, deprecations) goes to stderr: stdout carries only the results.
_real_stdout = sys.stdout
sys.stdout = sys.stderr

import jinja2  # noqa: E402

from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.playbook.conditional import Conditional  # noqa: E402
from ansible.template import AnsibleEnvironment, Templar  # noqa: E402
from ansible.utils.display import Display  # noqa: E402

Display().verbosity = 0

# Fixed values for the variables the template action adds (generate_ansible_template_vars), so results are
# deterministic. A case's own vars win.
TEMPLATE_VARS = {
    'template_host': 'oracle-host',
    'template_path': 'test.j2',
    'template_fullpath': '/srv/templates/test.j2',
    'template_uid': 'root',
    'template_destpath': '/etc/test.conf',
    'template_mtime': datetime.datetime(2024, 1, 2, 3, 4, 5),
    'template_run_date': datetime.datetime(2024, 1, 2, 3, 4, 5),
    'ansible_managed': 'Ansible managed',
}

BUILTIN_TYPES = (bool, int, float, str, bytes, list, tuple, dict, set, frozenset, type(None))

LOADER = DataLoader()


def type_name(value):
    """The builtin type a value is, past Ansible's subclasses (AnsibleUnicode, AnsibleUnsafeText, ...)."""
    for cls in type(value).__mro__:
        if cls in BUILTIN_TYPES:
            return cls.__name__
    return type(value).__name__


def plain(value):
    """The value with Ansible's str/list/dict subclasses turned into the builtins, so repr() is Python's own."""
    t = type_name(value)
    if t == 'str' and type(value) is not str:
        return str.__str__(value)
    if t == 'list':
        return [plain(v) for v in value]
    if t == 'tuple':
        return tuple(plain(v) for v in value)
    if t == 'dict':
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def render_arg(template, variables):
    templar = Templar(loader=LOADER, variables=variables)
    return templar.template(template)


def render_file(template, variables):
    temp_vars = dict(TEMPLATE_VARS)
    temp_vars.update(variables)
    templar = Templar(loader=LOADER, variables=temp_vars)
    searchpath = [os.path.join(_home, 'templates'), _home]
    templar = templar.copy_with_new_env(
        environment_class=AnsibleEnvironment,
        searchpath=searchpath,
        newline_sequence='\n',
        block_start_string=None,
        block_end_string=None,
        variable_start_string=None,
        variable_end_string=None,
        comment_start_string=None,
        comment_end_string=None,
        trim_blocks=True,
        lstrip_blocks=False,
        available_variables=temp_vars,
    )
    return templar.do_template(template, preserve_trailing_newlines=True, escape_backslashes=False)


def render_when(template, variables):
    templar = Templar(loader=LOADER, variables=variables)
    cond = Conditional(loader=LOADER)
    cond.when = template if isinstance(template, list) else [template]
    return cond.evaluate_conditional(templar, variables)


JINJA_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, keep_trailing_newline=True)


def render_jinja(template, variables):
    return JINJA_ENV.from_string(template).render(variables)


MODES = {'arg': render_arg, 'file': render_file, 'when': render_when, 'jinja': render_jinja}


def run_case(case):
    cid = case.get('id')
    mode = case.get('mode')
    fn = MODES.get(mode)
    if fn is None:
        return {'id': cid, 'ok': False, 'error': 'OracleError: unknown mode %r' % (mode,), 'oracle_error': True}
    variables = case.get('vars') or {}
    try:
        value = fn(case.get('template'), variables)
        if mode != 'when':
            # Generators and other lazy values are what a caller would see: make them printable now, so a
            # failure inside them counts as the case's error.
            repr(value)
    except RecursionError as e:
        return {'id': cid, 'ok': False, 'error': 'RecursionError: %s' % (e,)}
    except Exception as e:  # noqa: BLE001 -- every failure is a result
        return {'id': cid, 'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
    try:
        p = plain(value)
        out = {'id': cid, 'ok': True, 'type': type_name(value), 'repr': repr(p)}
        if isinstance(value, str):
            out['text'] = str.__str__(value)
        if mode == 'when':
            out['truthy'] = bool(value)
        return out
    except Exception as e:  # noqa: BLE001
        return {'id': cid, 'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


def main():
    cases = json.load(sys.stdin)
    if not isinstance(cases, list):
        raise SystemExit('jinja-oracle: expected a JSON list of cases on stdin')
    results = [run_case(c) for c in cases]
    _real_stdout.write(json.dumps(results, ensure_ascii=False))
    _real_stdout.write('\n')
    _real_stdout.flush()


if __name__ == '__main__':
    main()
