//! The engine entry point: any text, any setting and patient status (the first byte chooses them). The engine
//! must answer or refuse an empty or oversized note, never panic, and every span it returns must lie in the note
//! with `text` equal to its slice.
#![no_main]
use cac_fuzz::checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(note) = checks::note_from_input(data) {
        checks::check_code_result(&note.text, cac_fuzz::engine().code(&note));
    }
});
