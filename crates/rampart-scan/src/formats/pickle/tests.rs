use super::*;

fn scan(bytes: &[u8]) -> PickleScan {
    scan_pickles(&bytes.to_vec(), 0, &Limits::default())
}

fn paths(ir: &PickleIr) -> Vec<String> {
    ir.globals.iter().map(GlobalUse::path).collect()
}

#[test]
fn protocol0_global_reduce() {
    let s = scan(b"cos\nsystem\n(S'echo hi'\ntR.");
    assert!(s.is_pickle);
    assert_eq!(paths(&s.ir), ["os.system"]);
    assert!(s.ir.globals[0].called);
    assert_eq!(s.ir.globals[0].display(), "os.system(\"echo hi\")");
    assert!(s.ir.errors.is_empty());
}

#[test]
fn stack_global_through_memo() {
    // \x80\x04 'os' BINPUT 0, 'system' BINPUT 1, POP POP, BINGET 0 BINGET 1 STACK_GLOBAL
    let mut p = b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94".to_vec();
    p.extend_from_slice(b"00h\x00h\x01\x93\x8c\x02hi\x85R.");
    let s = scan(&p);
    assert_eq!(paths(&s.ir), ["os.system"]);
    assert!(s.ir.globals[0].called);
}

#[test]
fn dynamic_stack_global_is_recorded() {
    // _codecs.encode('bf', 'rot13') -> module, 'system' -> name
    let p = b"\x80\x04\x8c\x07_codecs\x8c\x06encode\x93\x8c\x02bf\x8c\x05rot13\x86R\x8c\x06system\x93\x8c\x01x\x85R.";
    let s = scan(p);
    assert_eq!(s.ir.dynamic_imports.len(), 1);
    assert_eq!(s.ir.misuse.len(), 1, "{:?}", s.ir.misuse);
    // Calling the computed import is covered by PKL004, not reported again.
    assert!(s.ir.indirect_calls.is_empty());
}

#[test]
fn broken_pickle_is_judged_before_the_break() {
    let s = scan(b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00hi\x85R\xff\xff");
    assert!(s.is_pickle);
    assert_eq!(paths(&s.ir), ["os.system"]);
    assert_eq!(s.ir.errors.len(), 1);
    assert!(
        s.ir.errors[0].message.contains("invalid opcode 0xff"),
        "{:?}",
        s.ir.errors
    );
}

#[test]
fn second_concatenated_pickle_is_judged() {
    let s = scan(b"\x80\x02K\x01.\x80\x02cposix\nsystem\nX\x01\x00\x00\x00x\x85R.");
    assert_eq!(s.ir.streams, 2);
    assert_eq!(paths(&s.ir), ["posix.system"]);
}

#[test]
fn trailing_garbage_after_a_clean_pickle_is_not_an_error() {
    let s = scan(b"\x80\x02K\x01.\x00\x00\x00\x00");
    assert!(s.ir.errors.is_empty());
    assert_eq!(s.ir.streams, 1);
}

#[test]
fn non_pickles_are_not_pickles() {
    assert!(!scan(b"hello world").is_pickle);
    assert!(!scan(b"\x00\x01\x02").is_pickle);
}

#[test]
fn inst_and_obj_and_newobj() {
    let s = scan(b"(S'ls'\nisubprocess\nPopen\n.");
    assert_eq!(paths(&s.ir), ["subprocess.Popen"]);
    assert!(s.ir.globals[0].called);
    let s = scan(b"(cbuiltins\neval\nS'1'\no.");
    assert!(s.ir.globals[0].called);
    let s = scan(b"\x80\x02cmylib\nThing\n)\x81.");
    assert!(s.ir.globals[0].instantiated);
    assert!(!s.ir.globals[0].called);
}

#[test]
fn ext_codes_and_mutations() {
    let s = scan(b"\x80\x02\x82\x01)R.");
    assert_eq!(s.ir.ext_codes.len(), 1);
    let s = scan(b"\x80\x02ccollections\nOrderedDict\n}X\x01\x00\x00\x00aK\x01sb.");
    assert_eq!(s.ir.global_mutations.len(), 1);
}

#[test]
fn limits_stop_runaway_input() {
    let limits = Limits {
        pickle_ops: 10,
        ..Limits::default()
    };
    let mut data = b"\x80\x02".to_vec();
    data.extend([b'N'; 100]);
    let s = scan_pickles(&data, 0, &limits);
    assert_eq!(s.ir.limits.len(), 1);
    let limits = Limits {
        pickle_stack: 5,
        ..Limits::default()
    };
    let s = scan_pickles(&data, 0, &limits);
    assert_eq!(s.ir.limits.len(), 1);
    let limits = Limits {
        pickle_memo: 2,
        ..Limits::default()
    };
    let s = scan_pickles(&b"\x80\x02Nq\x00q\x01q\x02.".to_vec(), 0, &limits);
    assert_eq!(s.ir.limits.len(), 1);
}

#[test]
fn huge_length_fields_do_not_allocate() {
    let s = scan(b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f.");
    assert_eq!(s.ir.errors.len(), 1);
    let s = scan(b"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff.");
    assert_eq!(s.ir.errors.len(), 1);
}

#[test]
fn memo_miss_and_underflow_are_errors() {
    assert_eq!(scan(b"\x80\x02h\x05.").ir.errors.len(), 1);
    assert_eq!(scan(b"\x80\x02R.").ir.errors.len(), 1);
    assert_eq!(scan(b"\x80\x02(N1R.").ir.errors.len(), 1);
    // Without PROTO or an import, a failing first opcode means "not a pickle".
    assert!(!scan(b"R.").is_pickle);
}

#[test]
fn text_that_starts_like_an_opcode_is_not_a_pickle() {
    for text in [
        &b"cat > out.txt\nhello world\n"[..],
        b"class Foo:\n    pass\n",
        b"import os\nos.system('x')\n",
    ] {
        let s = scan(text);
        assert!(!s.is_pickle, "{:?}", String::from_utf8_lossy(text));
        assert!(s.ir.globals.is_empty());
    }
    // A real protocol-0 import still is one.
    assert!(scan(b"cos\nsystem\n.").is_pickle);
}

fn getattr_use(s: &PickleScan) -> &GlobalUse {
    s.ir.globals
        .iter()
        .find(|g| matches!(g.judgement(), Judgement::Gadget(_)))
        .expect("getattr imported")
}

#[test]
fn getattr_on_a_dict_resolves_to_its_method() {
    // getattr({'a': 1}, 'get'), as pickle writes a dict's bound method
    let s =
        scan(b"\x80\x02c__builtin__\ngetattr\n}X\x01\x00\x00\x00aK\x01sX\x03\x00\x00\x00get\x86R.");
    assert!(!getattr_use(&s).gadget_escaped());
    assert!(s.ir.misuse.is_empty() && s.ir.indirect_calls.is_empty());
}

#[test]
fn getattr_on_a_class_is_judged_as_the_dotted_name() {
    // getattr(zoneinfo.ZoneInfo, '_unpickle')('UTC', 1), getattr memoized and reused
    let p = b"\x80\x02c__builtin__\ngetattr\nq\x00czoneinfo\nZoneInfo\nX\x09\x00\x00\x00_unpickle\x86RX\x03\x00\x00\x00UTCK\x01\x86R0h\x00czoneinfo\nZoneInfo\nX\x09\x00\x00\x00_unpickle\x86R.";
    let s = scan(p);
    let g = getattr_use(&s);
    assert_eq!((g.pushes, g.resolved), (2, 2));
    assert!(!g.gadget_escaped());
    assert!(paths(&s.ir).contains(&"zoneinfo.ZoneInfo._unpickle".to_string()));
    assert!(s.ir.misuse.is_empty(), "{:?}", s.ir.misuse);
}

#[test]
fn getattr_kept_as_a_value_escapes() {
    // [getattr]: stored in a list, never called here
    let s = scan(b"\x80\x02]c__builtin__\ngetattr\na.");
    assert!(getattr_use(&s).gadget_escaped());
    // getattr(getattr, 'x'): the target is the gadget, not a class
    let s = scan(b"\x80\x02c__builtin__\ngetattr\nq\x00h\x00X\x01\x00\x00\x00x\x86R.");
    assert!(getattr_use(&s).gadget_escaped());
}

#[test]
fn allowed_calls_are_checked_against_their_arguments() {
    // _reconstruct(builtins.getattr, …): a gadget is not an array class
    let s = scan(b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nc__builtin__\ngetattr\nK\x00\x85C\x01b\x87R.");
    assert_eq!(s.ir.misuse.len(), 1, "{:?}", s.ir.misuse);
    assert!(getattr_use(&s).gadget_escaped());
    // the same with numpy.ndarray is fine
    let s = scan(
        b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R.",
    );
    assert!(s.ir.misuse.is_empty(), "{:?}", s.ir.misuse);
}
