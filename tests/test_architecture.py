"""Layering: the pure core and storage never import Telegram; no import cycles in bot/;
SQL stays in storage/."""

import ast
import subprocess
import sys
from pathlib import Path


def telegram_modules_after_importing(*modules: str) -> list[str]:
    """The telegram modules a fresh interpreter has loaded after importing ``modules``."""
    code = (
        f"import sys, {', '.join(modules)};"
        "bad = sorted(m for m in sys.modules if m == 'telegram' or m.startswith('telegram.'));"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [name for name in result.stdout.strip().split(",") if name]


def test_engine_and_storage_import_without_telegram() -> None:
    """Importing bot.engine and storage in a fresh interpreter loads no telegram module."""
    modules = ("bot.engine", "bot.engine.runner", "storage.models", "storage.repo", "storage.db")
    assert telegram_modules_after_importing(*modules) == []


def test_only_the_machine_module_imports_transitions() -> None:
    """transitions is imported by bot/engine/machine.py and nowhere else in the package."""

    root = Path(__file__).resolve().parent.parent
    importers = [
        path.relative_to(root).as_posix()
        for folder in ("bot", "storage")
        for path in (root / folder).rglob("*.py")
        if "from transitions" in path.read_text() or "import transitions" in path.read_text()
    ]
    assert importers == ["bot/engine/machine.py"]


# --- bot/: imports ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
HANDLER_MODULES = (
    "bot.chat.commands",
    "bot.chat.conversation",
    "bot.chat.coordinator",
    "bot.chat.pause",
    "bot.chat.voices",
    "bot.chat.feedback",
)


def _bot_modules() -> dict[str, ast.Module]:

    modules = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = ast.parse(path.read_text(), str(path))
    return modules


def _imported(module: str, node: ast.AST, is_package: bool) -> list[str]:
    """The modules an import statement names (``from a import b`` names ``a.b`` when that is a
    module, else ``a``), with relative imports resolved."""

    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _module_level_imports(tree: ast.Module) -> list[ast.AST]:
    """Imports run when the module is imported: top level, and inside top-level ``if`` blocks
    (``if TYPE_CHECKING:`` included) and ``try`` blocks; not those inside functions."""

    found: list[ast.AST] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try):
            pending.extend(node.body)
            pending.extend(node.orelse)
            if isinstance(node, ast.Try):
                pending.extend(node.finalbody)
                for handler in node.handlers:
                    pending.extend(handler.body)
    return found


def _import_graph() -> dict[str, set[str]]:
    """bot module → the bot modules it imports at module level.

    ``if TYPE_CHECKING`` imports count: they do not run, but a cycle through one is still two
    modules that each need the other, which is what the layering forbids (none is needed today).
    Importing ``a.b`` also imports package ``a``, so a package's ``__init__`` is an edge too.
    """
    modules = _bot_modules()
    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        is_package = (ROOT / name.replace(".", "/") / "__init__.py").exists()
        edges: set[str] = set()
        for node in _module_level_imports(tree):
            for target in _imported(name, node, is_package):
                if target in modules and target != name and not name.startswith(target + "."):
                    edges.add(target)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_in_bot() -> None:
    """No two bot modules need each other, directly or through others (module-level imports)."""
    assert _cycles(_import_graph()) == []


def test_cycle_finder_finds_a_cycle() -> None:
    """The check above can fail: a three-module circle is found."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_chat_handler_modules_import_only_the_leaf_not_each_other() -> None:
    """Handler modules never import each other; the dialog imports them all, at top level."""
    graph = _import_graph()
    for name in HANDLER_MODULES:
        assert graph[name] & set(HANDLER_MODULES) == set(), name
        assert "bot.chat.dialog" not in graph[name], name
    assert set(HANDLER_MODULES) <= graph["bot.chat.dialog"]


def test_chat_support_modules_import_no_handler_module() -> None:
    """The leaf and the shared modules import no handler module and not the router; answering
    a question does not reach the summary builders (the discussion input is injected by the
    dialog)."""
    graph = _import_graph()
    chat = {name for name in graph if name.startswith("bot.chat.")}
    support = chat - set(HANDLER_MODULES) - {"bot.chat.dialog"}
    assert {"bot.chat.turn", "bot.chat.answering", "bot.chat.roles"} <= support
    for name in support:
        assert graph[name] & {*HANDLER_MODULES, "bot.chat.dialog"} == set(), name
    reached = set()
    pending = ["bot.chat.answering"]
    while pending:
        for target in graph[pending.pop()] - reached:
            reached.add(target)
            pending.append(target)
    # (bot.summary.themes is reached, through the runtime: answers are tagged when stored.)
    summaries = {
        "bot.summary.build",
        "bot.summary.plan",
        "bot.summary.export",
        "bot.summary.render",
    }
    assert reached & summaries == set()


def test_no_function_local_imports_of_chat_modules() -> None:
    """Every import of a bot.chat module is at module level, where the graph above sees it."""

    local = []
    for name, tree in _bot_modules().items():
        top = {id(node) for node in _module_level_imports(tree)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                targets = _imported(name, node, False)
                if any(t == "bot.chat" or t.startswith("bot.chat.") for t in targets):
                    local.append(f"{name}:{node.lineno}")
    assert local == []


def test_chat_summary_and_admin_import_without_telegram() -> None:
    """The dialog, the summaries and the admin service load no telegram module."""
    modules = ("bot.chat.dialog", "bot.summary.build", "bot.summary.render", "bot.admin.service")
    assert telegram_modules_after_importing(*modules) == []
    # The check sees telegram when it is there.
    assert "telegram" in telegram_modules_after_importing("bot.telegram.app")


# Only the database CLI (migrations) may; the modules still importing sqlalchemy in this branch
# (bot/admin/service.py, bot/privacy/retention.py, bot/summary/{build,export,figures,plan}.py)
# are being moved behind storage by other branches (issue 13, item 4).
SQL_ALLOWED = {"bot.cli.db"}


def test_sqlalchemy_is_imported_only_in_storage_and_the_database_cli() -> None:
    """No bot module except the database CLI imports sqlalchemy, even inside a function."""

    importers = []
    for name, tree in _bot_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets = _imported(name, node, False)
                if any(t == "sqlalchemy" or t.startswith("sqlalchemy.") for t in targets):
                    importers.append(name)
                    break
    assert sorted(set(importers) - SQL_ALLOWED) == []
