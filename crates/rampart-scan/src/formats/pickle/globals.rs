//! Judging the names a pickle imports.
//!
//! The judgement is an allow-list: a global is safe only when it is listed here.
//! Everything else is a finding; names that are known to run code, spawn processes,
//! touch files or the network, or hand out such capabilities (gadgets) are critical.
//! Names are compared as full dotted paths (`module.name`) after mapping Python 2
//! module names the way `pickle` does on load. The allow-list itself, entry by entry
//! with what each name may be used for, is [`crate::allowlist`].

use crate::allowlist::{self, Allows};

/// How a global was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    /// On the allow-list, for the uses it allows.
    Safe(Allows),
    /// Known to execute code or reach the system; the text says what it does.
    Dangerous(&'static str),
    /// A gadget that is safe only when every use of it resolves to an allowed name
    /// (`builtins.getattr` on an allowed class or a plain container); the text says
    /// what it gives an attacker otherwise.
    Gadget(&'static str),
    /// Not on any list.
    Unknown,
}

/// Python 2 module names that `pickle` maps on load (`_compat_pickle.IMPORT_MAPPING`,
/// the entries that matter for judging).
const PY2_MODULES: &[(&str, &str)] = &[
    ("__builtin__", "builtins"),
    ("copy_reg", "copyreg"),
    ("exceptions", "builtins"),
    ("cPickle", "pickle"),
    ("commands", "subprocess"),
    ("urllib2", "urllib.request"),
    ("httplib", "http.client"),
    ("SocketServer", "socketserver"),
    ("SimpleHTTPServer", "http.server"),
    ("xmlrpclib", "xmlrpc.client"),
    ("cStringIO", "io"),
    ("StringIO", "io"),
    ("UserDict", "collections"),
    ("__main__", "__main__"),
];

/// Python 2 names that `pickle` maps to other modules on load
/// (`_compat_pickle.NAME_MAPPING`, the entries that matter for judging).
type Name = (&'static str, &'static str);
const PY2_NAMES: &[(Name, Name)] = &[
    (("__builtin__", "xrange"), ("builtins", "range")),
    (("__builtin__", "reduce"), ("functools", "reduce")),
    (("__builtin__", "intern"), ("sys", "intern")),
    (("__builtin__", "unichr"), ("builtins", "chr")),
    (("__builtin__", "unicode"), ("builtins", "str")),
    (("__builtin__", "long"), ("builtins", "int")),
    (("__builtin__", "basestring"), ("builtins", "str")),
    (("itertools", "izip"), ("builtins", "zip")),
    (("itertools", "imap"), ("builtins", "map")),
    (("itertools", "ifilter"), ("builtins", "filter")),
    (("UserDict", "UserDict"), ("collections", "UserDict")),
    (("UserList", "UserList"), ("collections", "UserList")),
    (("UserString", "UserString"), ("collections", "UserString")),
];

/// The module and name `pickle` imports for `module.name` as written (Python 2 names
/// mapped).
pub fn canonical(module: &str, name: &str) -> (String, String) {
    if let Some((_, (m, n))) = PY2_NAMES
        .iter()
        .find(|((m, n), _)| *m == module && *n == name)
    {
        return ((*m).to_string(), (*n).to_string());
    }
    (canonical_module(module).to_string(), name.to_string())
}

/// Maps a Python 2 module name to its Python 3 name.
pub fn canonical_module(module: &str) -> &str {
    PY2_MODULES
        .iter()
        .find(|(old, _)| *old == module)
        .map_or(module, |(_, new)| new)
}

/// PyTorch storage classes and dtypes, safe by construction (`torch.FloatStorage`,
/// `torch.float32`, …).
const TORCH_STORAGES: &[&str] = &[
    "Double",
    "Float",
    "Half",
    "BFloat16",
    "Long",
    "Int",
    "Short",
    "Char",
    "Byte",
    "Bool",
    "ComplexDouble",
    "ComplexFloat",
    "QUInt8",
    "QInt8",
    "QInt32",
    "QUInt4x2",
    "QUInt2x4",
    "Untyped",
];

const TORCH_DTYPES: &[&str] = &[
    "float64",
    "float32",
    "float16",
    "bfloat16",
    "double",
    "float",
    "half",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "long",
    "int",
    "short",
    "bool",
    "complex32",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "chalf",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float4_e2m1fn_x2",
    "bits8",
    "bits16",
];

/// Prefixes (matching the path or the path followed by `.`) that are dangerous, with
/// what they give an attacker.
const DANGEROUS: &[(&str, &str)] = &[
    // Process and shell execution.
    (
        "os",
        "operating-system access: commands, files, environment",
    ),
    ("posix", "operating-system access (os on POSIX)"),
    ("nt", "operating-system access (os on Windows)"),
    ("subprocess", "spawns processes"),
    ("_posixsubprocess", "spawns processes"),
    ("_winapi", "Windows process and file API"),
    ("pty", "spawns processes with a terminal"),
    ("popen2", "spawns processes"),
    ("platform.popen", "spawns a shell"),
    ("asyncio.subprocess", "spawns processes"),
    ("asyncio.create_subprocess_exec", "spawns processes"),
    ("asyncio.create_subprocess_shell", "spawns a shell"),
    ("asyncio.unix_events", "spawns processes"),
    ("asyncio.windows_events", "spawns processes"),
    ("asyncio.base_subprocess", "spawns processes"),
    ("multiprocessing", "spawns processes and runs callables"),
    ("concurrent.futures", "runs callables in workers"),
    ("uuid._get_command_stdout", "runs a command"),
    ("_osx_support", "runs commands"),
    ("_aix_support", "runs commands"),
    ("_pyrepl", "runs pager and console commands"),
    ("_interpreters", "runs code in sub-interpreters"),
    ("_xxsubinterpreters", "runs code in sub-interpreters"),
    ("_operator.attrgetter", "reaches any attribute (gadget)"),
    ("_operator.methodcaller", "calls any method (gadget)"),
    ("_operator.itemgetter", "reaches items of objects (gadget)"),
    ("_operator.call", "calls any callable (gadget)"),
    ("pydoc.pipepager", "runs a shell command"),
    ("pydoc.tempfilepager", "runs a shell command"),
    ("pydoc.pager", "runs a pager command"),
    ("pydoc.locate", "imports any name"),
    ("webbrowser", "launches programs"),
    ("ctypes", "calls native code"),
    ("_ctypes", "calls native code"),
    ("cffi", "calls native code"),
    ("signal", "changes signal handling"),
    // Python code execution.
    ("builtins.eval", "evaluates Python code"),
    ("builtins.exec", "executes Python code"),
    ("builtins.execfile", "executes a Python file"),
    ("builtins.compile", "compiles Python code"),
    ("builtins.__import__", "imports any module"),
    ("builtins.getattr", "reaches any attribute (gadget)"),
    ("builtins.setattr", "modifies any object"),
    ("builtins.delattr", "modifies any object"),
    ("builtins.globals", "reaches interpreter internals"),
    ("builtins.locals", "reaches interpreter internals"),
    ("builtins.vars", "reaches interpreter internals"),
    ("builtins.open", "opens files"),
    ("builtins.file", "opens files"),
    ("builtins.input", "reads the console"),
    ("builtins.breakpoint", "starts a debugger"),
    ("builtins.help", "starts the help system (pager)"),
    ("builtins.apply", "calls any callable"),
    ("builtins.reload", "re-imports modules"),
    ("builtins.exit", "terminates the process"),
    ("builtins.quit", "terminates the process"),
    ("builtins.memoryview", "raw memory access"),
    ("builtins.type", "creates classes"),
    ("builtins.super", "reaches parent implementations (gadget)"),
    ("builtins.classmethod", "wraps callables (gadget)"),
    ("builtins.staticmethod", "wraps callables (gadget)"),
    ("builtins.property", "wraps callables (gadget)"),
    ("builtins.map", "calls a callable over data (gadget)"),
    ("builtins.filter", "calls a callable over data (gadget)"),
    ("runpy", "runs Python modules and files"),
    ("importlib", "imports any module"),
    ("imp", "imports any module"),
    ("pkgutil", "imports any module"),
    ("zipimport", "imports code from archives"),
    ("code", "runs Python code interactively"),
    ("codeop", "compiles Python code"),
    ("pdb", "runs code under the debugger"),
    ("bdb", "runs code under the debugger"),
    ("cProfile", "runs Python code"),
    ("profile", "runs Python code"),
    ("timeit", "runs Python code"),
    ("trace", "runs Python code"),
    ("doctest", "runs Python code"),
    ("idlelib", "runs Python code"),
    ("lib2to3", "runs code transformations on files"),
    ("marshal", "loads Python bytecode"),
    ("types.FunctionType", "builds functions from bytecode"),
    ("types.CodeType", "builds bytecode"),
    ("types.MethodType", "binds callables (gadget)"),
    ("types.LambdaType", "builds functions from bytecode"),
    ("inspect", "reaches interpreter internals"),
    ("sys", "interpreter internals and loaded modules"),
    ("gc", "reaches every live object"),
    ("operator.attrgetter", "reaches any attribute (gadget)"),
    ("operator.methodcaller", "calls any method (gadget)"),
    ("operator.itemgetter", "reaches items of objects (gadget)"),
    ("operator.call", "calls any callable (gadget)"),
    ("operator.getitem", "reaches items of objects (gadget)"),
    (
        "functools.partial",
        "binds arguments to any callable (gadget)",
    ),
    ("functools.reduce", "calls a callable over data (gadget)"),
    (
        "functools.partialmethod",
        "binds arguments to any callable (gadget)",
    ),
    ("functools.singledispatch", "wraps callables (gadget)"),
    ("itertools.starmap", "calls a callable over data (gadget)"),
    (
        "copyreg.add_extension",
        "changes the unpickler's import table",
    ),
    ("copyreg.dispatch_table", "changes pickling behaviour"),
    // Nested deserialisers.
    ("pickle", "nested unpickling"),
    ("_pickle", "nested unpickling"),
    ("cPickle", "nested unpickling"),
    ("dill", "nested unpickling of code"),
    ("cloudpickle", "nested unpickling of code"),
    ("shelve", "nested unpickling"),
    ("jsonpickle", "nested deserialisation of objects"),
    ("yaml.load", "nested deserialisation of objects"),
    ("yaml.unsafe_load", "nested deserialisation of objects"),
    ("numpy.load", "nested unpickling (allow_pickle)"),
    ("numpy.lib.npyio.load", "nested unpickling (allow_pickle)"),
    (
        "numpy.testing._private.utils.runstring",
        "executes Python code",
    ),
    ("numpy.testing", "testing helpers that run code"),
    ("numpy.f2py", "compiles and runs code"),
    ("numpy.distutils", "runs build commands"),
    ("numpy.ctypeslib", "loads native libraries"),
    ("joblib.load", "nested unpickling"),
    ("torch.load", "nested unpickling"),
    ("torch.serialization.load", "nested unpickling"),
    ("torch.storage._load_from_bytes", "nested unpickling"),
    ("torch.hub", "downloads and runs code"),
    ("torch.jit", "loads and compiles code"),
    ("torch.package", "loads packaged code"),
    ("torch.utils.bottleneck", "runs a script under the profiler"),
    ("torch.utils.collect_env", "runs commands"),
    (
        "torch.utils.cpp_extension",
        "compiles and loads native code",
    ),
    ("torch._dynamo", "compiles and runs code"),
    ("torch._inductor", "compiles and runs code"),
    ("torch.ops", "calls registered native operators"),
    ("torch.classes", "calls registered native classes"),
    ("torch.fx", "builds and runs generated code"),
    ("torch.compile", "compiles and runs code"),
    ("keras.models.load_model", "nested model loading"),
    ("tensorflow.io", "file-system access"),
    ("tensorflow.keras.models.load_model", "nested model loading"),
    // Files.
    ("shutil", "copies, moves and deletes files"),
    ("tempfile", "creates files"),
    ("io.open", "opens files"),
    ("io.FileIO", "opens files"),
    ("_io", "opens files"),
    ("codecs.open", "opens files"),
    ("glob", "lists files"),
    ("fileinput", "reads files"),
    ("linecache", "reads files"),
    ("tarfile", "extracts archives to disk"),
    ("zipfile", "extracts archives to disk"),
    ("logging.config", "loads configuration that imports code"),
    ("logging.FileHandler", "writes files"),
    ("sqlite3", "opens databases"),
    ("dbm", "opens database files"),
    ("mmap", "maps files into memory"),
    ("distutils", "runs build commands and writes files"),
    ("setuptools", "runs build commands"),
    ("pip", "installs and runs packages"),
    ("ensurepip", "installs packages"),
    ("venv", "creates environments and runs installers"),
    ("site", "changes the import path"),
    ("sysconfig", "interpreter configuration"),
    ("builtins.__loader__", "imports code"),
    // Network.
    ("socket", "network access"),
    ("_socket", "network access"),
    ("ssl", "network access"),
    ("socketserver", "starts network servers"),
    ("http", "network access"),
    ("urllib", "network access"),
    ("urllib2", "network access"),
    ("urllib3", "network access"),
    ("requests", "network access"),
    ("httpx", "network access"),
    ("aiohttp", "network access"),
    ("ftplib", "network access"),
    ("smtplib", "network access"),
    ("telnetlib", "network access"),
    ("poplib", "network access"),
    ("imaplib", "network access"),
    ("nntplib", "network access"),
    ("xmlrpc", "network access"),
    ("paramiko", "remote command execution"),
    ("fabric", "remote command execution"),
    ("invoke", "runs commands"),
    ("sh", "runs commands"),
    ("plumbum", "runs commands"),
    ("pexpect", "spawns processes"),
    ("tkinter", "GUI and Tcl code execution"),
    ("_tkinter", "Tcl code execution"),
    ("IPython", "runs Python code"),
    ("jinja2", "template code execution"),
    ("mako", "template code execution"),
];

fn matches_prefix(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.len() > prefix.len()
            && path.starts_with(prefix)
            && path.as_bytes().get(prefix.len()) == Some(&b'.'))
}

/// True when a dotted name walks through a dunder attribute (`__class__`, `__globals__`,
/// …), which `find_class` follows with `getattr` since protocol 4.
fn has_dunder_segment(name: &str) -> bool {
    name.split('.')
        .any(|seg| seg.len() > 4 && seg.starts_with("__") && seg.ends_with("__"))
}

/// Module roots whose appearance inside an attribute chain (`torch.serialization` +
/// `os.system`, `enum` + `bltns.eval`) means the chain reaches them through another
/// module's namespace.
const ATTRIBUTE_ROOTS: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "sys",
    "builtins",
    "bltns",
    "importlib",
    "runpy",
    "pty",
    "shutil",
    "socket",
    "ctypes",
    "pickle",
    "_pickle",
    "marshal",
    "io",
    "_io",
    "codecs",
    "webbrowser",
    "multiprocessing",
];

/// Why a name (the part after the module: a dotted attribute chain, or what `getattr`
/// walked) is dangerous: it passes through a dangerous module reached from another
/// module's namespace (`pathlib` + `os`, `enum` + `bltns.eval`), or a chain ends on a
/// dangerous builtin's name (`eval`, `exec`, `open`, `getattr`, …).
fn dangerous_chain(name: &str) -> Option<&'static str> {
    let segments: Vec<&str> = name.split('.').collect();
    if segments.iter().any(|seg| ATTRIBUTE_ROOTS.contains(seg)) {
        return Some("reaches a dangerous module (os, sys, builtins, subprocess, …) through another module's namespace");
    }
    if segments.len() < 2 {
        return None;
    }
    let leaf = segments.last().copied().unwrap_or_default();
    let as_builtin = format!("builtins.{leaf}");
    DANGEROUS
        .iter()
        .find(|(p, _)| p.starts_with("builtins.") && matches_prefix(&as_builtin, p))
        .map(|(_, why)| *why)
}

/// Names a user allowed (`--allow MODULE.NAME`, `[scan] allow`): constructible and
/// callable with any arguments, unless the built-in judgement finds them dangerous.
pub type UserAllow = std::collections::BTreeSet<String>;

/// Judges the global `module.name` against the built-in lists only.
pub fn judge(module: &str, name: &str) -> Judgement {
    judge_with(module, name, &UserAllow::new())
}

/// Judges the global `module.name`: the deny-list first (names, attribute chains,
/// dunder walks), then the gadgets, then the allow-list and the user's allowed names.
pub fn judge_with(module: &str, name: &str, user: &UserAllow) -> Judgement {
    let (module, name) = canonical(module, name);
    let full = format!("{module}.{name}");
    if name.contains('.') && has_dunder_segment(&name) {
        return Judgement::Dangerous("walks Python internals through a dotted name");
    }
    if full == "builtins.getattr" {
        return Judgement::Gadget("reaches any attribute (gadget)");
    }
    if let Some((_, why)) = DANGEROUS.iter().find(|(p, _)| matches_prefix(&full, p)) {
        return Judgement::Dangerous(why);
    }
    if let Some(why) = dangerous_chain(&name) {
        return Judgement::Dangerous(why);
    }
    if is_torch_type(&module, &name) {
        return Judgement::Safe(Allows::Construct);
    }
    if user.contains(&full) {
        return Judgement::Safe(Allows::Construct);
    }
    if let Some((_, entry)) = allowlist::lookup(&full) {
        return Judgement::Safe(entry.allows);
    }
    Judgement::Unknown
}

/// Why a user may not allow `path` (`--allow`, `[scan] allow`): it is not a dotted
/// `module.name`, or it is dangerous or a gadget. `None` when it may be allowed.
pub fn refuse_user_allow(path: &str) -> Option<&'static str> {
    let Some((module, name)) = path.split_once('.') else {
        return Some("not a dotted `module.name` path");
    };
    if module.is_empty() || name.is_empty() || name.split('.').any(str::is_empty) {
        return Some("not a dotted `module.name` path");
    }
    match judge(module, name) {
        Judgement::Dangerous(why) | Judgement::Gadget(why) => Some(why),
        Judgement::Safe(_) | Judgement::Unknown => None,
    }
}

/// PyTorch storage classes (`torch.FloatStorage`), tensor classes (`torch.FloatTensor`)
/// and dtypes (`torch.float32`).
fn is_torch_type(module: &str, name: &str) -> bool {
    if module == "torch" {
        if let Some(storage) = name.strip_suffix("Storage") {
            if TORCH_STORAGES.contains(&storage) {
                return true;
            }
        }
        if TORCH_DTYPES.contains(&name) {
            return true;
        }
        if let Some(tensor) = name.strip_suffix("Tensor") {
            if TORCH_STORAGES.contains(&tensor) && tensor != "Untyped" {
                return true;
            }
        }
    }
    module == "torch.storage" && name.ends_with("Storage") && !name.contains('.')
}

/// True when the global's last name segment looks like a class (`CamelCase`), which
/// decides whether an unknown callable is judged as a function call (high) or a class
/// instantiation (medium).
pub fn looks_like_class(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let trimmed = last.trim_start_matches('_');
    trimmed.chars().next().is_some_and(char::is_uppercase)
}

/// Size in bytes of one element of a PyTorch storage class such as `FloatStorage`, used
/// to walk the raw storages of legacy checkpoints.
pub fn torch_storage_element_size(name: &str) -> Option<u64> {
    let base = name.strip_suffix("Storage")?;
    Some(match base {
        "Double" | "Long" | "ComplexFloat" => 8,
        "Float" | "Int" | "QInt32" => 4,
        "Half" | "BFloat16" | "Short" => 2,
        "Char" | "Byte" | "Bool" | "QUInt8" | "QInt8" | "QUInt4x2" | "QUInt2x4" | "Untyped" => 1,
        "ComplexDouble" => 16,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_the_classics() {
        assert!(matches!(judge("os", "system"), Judgement::Dangerous(_)));
        assert!(matches!(judge("posix", "system"), Judgement::Dangerous(_)));
        assert!(matches!(
            judge("__builtin__", "eval"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(judge("builtins", "getattr"), Judgement::Gadget(_)));
        assert!(matches!(
            judge("torch.serialization", "os.system"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(
            judge("enum", "bltns.eval"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(judge("pathlib", "os"), Judgement::Dangerous(_)));
        assert!(matches!(judge("numpy", "sys"), Judgement::Dangerous(_)));
        assert!(matches!(
            judge("pathlib", "PosixPath.open"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(
            judge("__builtin__", "reduce"),
            Judgement::Dangerous(_)
        ));
        assert_eq!(
            judge("__builtin__", "xrange"),
            Judgement::Safe(Allows::Construct)
        );
        assert!(matches!(
            judge("subprocess", "Popen"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(
            judge("torch", "hub.load"),
            Judgement::Dangerous(_)
        ));
        assert!(matches!(
            judge("collections", "OrderedDict.__class__.__base__"),
            Judgement::Dangerous(_)
        ));
        assert_eq!(
            judge("torch._utils", "_rebuild_tensor_v2"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(
            judge("torch", "FloatStorage"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(
            judge("torch", "bfloat16"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(
            judge("collections", "OrderedDict"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(
            judge("torch.nn.modules.linear", "Linear"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(
            judge("torch.nn.modules.linear", "helper"),
            Judgement::Unknown
        );
        assert_eq!(judge("osx", "thing"), Judgement::Unknown);
        assert_eq!(
            judge("sklearn.tree._tree", "Tree"),
            Judgement::Safe(Allows::Construct)
        );
        assert_eq!(judge("mylib.tree", "Tree"), Judgement::Unknown);
        let user: UserAllow = ["mylib.tree.Tree".to_string()].into();
        assert_eq!(
            judge_with("mylib.tree", "Tree", &user),
            Judgement::Safe(Allows::Construct)
        );
        assert!(refuse_user_allow("os.system").is_some());
        assert!(refuse_user_allow("builtins.getattr").is_some());
        assert!(refuse_user_allow("mylib.tree.Tree").is_none());
        assert!(matches!(
            judge("copy_reg", "_reconstructor"),
            Judgement::Safe(Allows::Call(_))
        ));
        assert!(looks_like_class("Tree"));
        assert!(looks_like_class("_Private"));
        assert!(!looks_like_class("run_job"));
        assert_eq!(torch_storage_element_size("HalfStorage"), Some(2));
        assert_eq!(torch_storage_element_size("Nope"), None);
    }
}
