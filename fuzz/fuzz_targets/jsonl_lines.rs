//! The JSON-lines reader of `cac batch`, any bytes: one output line per input line, each a JSON object with an
//! `error` field, and every error one of the known messages (none quotes the input).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let summary = cac::cli::batch::code_lines(cac_fuzz::engine(), data, &mut out).expect("reading memory cannot fail");
    cac_fuzz::checks::check_batch_output(summary.lines, summary.failed, &out);
});
