#![no_main]
// The loader catches panics inside the ONNX runtime (tract) and returns them as errors,
// so the per-panic abort hook of libfuzzer-sys is replaced by a silent one; a panic that
// escapes the loader still aborts (the harness aborts when its catch_unwind sees one).
// Set RAMPART_FUZZ_ABORT_ON_CAUGHT_PANIC=1 to keep the abort hook and see the runtime's
// own panics.
libfuzzer_sys::fuzz_target!(
    init: {
        if std::env::var_os("RAMPART_FUZZ_ABORT_ON_CAUGHT_PANIC").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
    },
    |data: &[u8]| rampart_guard::fuzzing::fuzz_onnx_model(data)
);
