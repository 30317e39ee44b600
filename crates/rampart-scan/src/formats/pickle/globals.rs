//! Judging the names a pickle imports.
//!
//! The judgement is an allow-list: a global is safe only when it is listed here.
//! Everything else is a finding; names that are known to run code, spawn processes,
//! touch files or the network, or hand out such capabilities (gadgets) are critical.
//! Names are compared as full dotted paths (`module.name`) after mapping Python 2
//! module names the way `pickle` does on load.

/// How a global was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// On the allow-list.
    Safe,
    /// Known to execute code or reach the system; the text says what it does.
    Dangerous(&'static str),
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

/// Maps a Python 2 module name to its Python 3 name.
pub fn canonical_module(module: &str) -> &str {
    PY2_MODULES
        .iter()
        .find(|(old, _)| *old == module)
        .map_or(module, |(_, new)| new)
}

/// Exact names that are safe to import and call while loading a model.
const SAFE_EXACT: &[&str] = &[
    // Python builtins that construct plain data.
    "builtins.set",
    "builtins.frozenset",
    "builtins.list",
    "builtins.dict",
    "builtins.tuple",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.complex",
    "builtins.slice",
    "builtins.range",
    "builtins.int",
    "builtins.float",
    "builtins.str",
    "builtins.bool",
    "builtins.object",
    "builtins.Ellipsis",
    "builtins.NotImplemented",
    "builtins.unicode",
    "builtins.long",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.Counter",
    "collections.deque",
    "copyreg._reconstructor",
    "copyreg.__newobj__",
    "copyreg.__newobj_ex__",
    "_codecs.encode",
    "argparse.Namespace",
    "datetime.datetime",
    "datetime.date",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "decimal.Decimal",
    "fractions.Fraction",
    "uuid.UUID",
    "enum.Enum",
    "pathlib.PosixPath",
    "pathlib.WindowsPath",
    "pathlib.PurePosixPath",
    "pathlib.PureWindowsPath",
    // NumPy reconstruction.
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "numpy.core.numeric._frombuffer",
    "numpy._core.numeric._frombuffer",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.ma.core._mareconstruct",
    "numpy.random._pickle.__randomstate_ctor",
    "numpy.random._pickle.__generator_ctor",
    "numpy.random._pickle.__bit_generator_ctor",
    "numpy.random.mtrand.RandomState",
    "numpy.random._mt19937.MT19937",
    "numpy.random._pcg64.PCG64",
    // joblib's array wrapper (its payload is judged separately).
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    // PyTorch tensor and storage reconstruction (what `torch.save` writes).
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_sparse_csr_tensor",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_xla_tensor",
    "torch._utils._rebuild_mps_tensor",
    "torch._tensor._rebuild_from_type",
    "torch._tensor._rebuild_from_type_v2",
    "torch.serialization._get_layout",
    "torch.nn.parameter.Parameter",
    "torch.nn.parameter.Buffer",
    "torch.nn.parameter.UninitializedParameter",
    "torch.Size",
    "torch.device",
    "torch.Tensor",
    "torch.storage.UntypedStorage",
    "torch.storage.TypedStorage",
    "torch.storage._StorageBase",
    "torch.strided",
    "torch.sparse_coo",
    "torch.sparse_csr",
    "torch.sparse_csc",
    "torch.sparse_bsr",
    "torch.sparse_bsc",
    "torch._mkldnn",
    "torch.contiguous_format",
    "torch.channels_last",
    "torch.channels_last_3d",
    "torch.preserve_format",
    "torch.per_tensor_affine",
    "torch.per_channel_affine",
    "torch.per_tensor_symmetric",
    "torch.per_channel_symmetric",
    "torch.per_channel_affine_float_qparams",
];

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

/// Module prefixes whose *classes* (capitalised names) are safe to instantiate:
/// PyTorch's own layers, pickled when a whole `nn.Module` is saved.
const SAFE_CLASS_PREFIXES: &[&str] = &["torch.nn.modules.", "torch.nn.parameter."];

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

/// Judges the global `module.name`.
pub fn judge(module: &str, name: &str) -> Judgement {
    let module = canonical_module(module);
    let full = format!("{module}.{name}");
    if name.contains('.') && has_dunder_segment(name) {
        return Judgement::Dangerous("walks Python internals through a dotted name");
    }
    if let Some((_, why)) = DANGEROUS.iter().find(|(p, _)| matches_prefix(&full, p)) {
        return Judgement::Dangerous(why);
    }
    if SAFE_EXACT.contains(&full.as_str()) {
        return Judgement::Safe;
    }
    if module == "torch" {
        if let Some(storage) = name.strip_suffix("Storage") {
            if TORCH_STORAGES.contains(&storage) {
                return Judgement::Safe;
            }
        }
        if TORCH_DTYPES.contains(&name) {
            return Judgement::Safe;
        }
    }
    if module == "torch" {
        if let Some(tensor) = name.strip_suffix("Tensor") {
            if TORCH_STORAGES.contains(&tensor) && tensor != "Untyped" {
                return Judgement::Safe;
            }
        }
    }
    if module == "torch.storage" && name.ends_with("Storage") && !name.contains('.') {
        return Judgement::Safe;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if SAFE_CLASS_PREFIXES.iter().any(|p| full.starts_with(p))
        && last.chars().next().is_some_and(char::is_uppercase)
        && !name.contains("__")
    {
        return Judgement::Safe;
    }
    Judgement::Unknown
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
        assert!(matches!(
            judge("builtins", "getattr"),
            Judgement::Dangerous(_)
        ));
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
        assert_eq!(judge("torch._utils", "_rebuild_tensor_v2"), Judgement::Safe);
        assert_eq!(judge("torch", "FloatStorage"), Judgement::Safe);
        assert_eq!(judge("torch", "bfloat16"), Judgement::Safe);
        assert_eq!(judge("collections", "OrderedDict"), Judgement::Safe);
        assert_eq!(judge("torch.nn.modules.linear", "Linear"), Judgement::Safe);
        assert_eq!(
            judge("torch.nn.modules.linear", "helper"),
            Judgement::Unknown
        );
        assert_eq!(judge("osx", "thing"), Judgement::Unknown);
        assert_eq!(judge("sklearn.tree._tree", "Tree"), Judgement::Unknown);
        assert_eq!(judge("copy_reg", "_reconstructor"), Judgement::Safe);
        assert!(looks_like_class("Tree"));
        assert!(looks_like_class("_Private"));
        assert!(!looks_like_class("run_job"));
        assert_eq!(torch_storage_element_size("HalfStorage"), Some(2));
        assert_eq!(torch_storage_element_size("Nope"), None);
    }
}
