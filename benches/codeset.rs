//! Start-up costs: parsing the ICD-10-CM tabular, and building the engine (lexicon automaton) on top of it.
mod common;

use std::sync::Arc;

use cac::{CodeSet, Engine};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let (xml, label) = common::tabular_bytes();
    let mut group = c.benchmark_group("codeset");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("load_tabular_xml", |b| {
        b.iter(|| CodeSet::from_tabular_xml(xml.as_slice(), &label).expect("parses"));
    });
    group.finish();

    let codes: Arc<CodeSet> = Arc::new(CodeSet::from_tabular_xml(xml.as_slice(), &label).expect("parses"));
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.bench_function("build", |b| b.iter(|| Engine::builder(Arc::clone(&codes)).build().expect("builds")));
    let analyzer = cac::text::Analyzer::new().expect("analyzer");
    group.bench_function("lexicon_build", |b| {
        b.iter(|| {
            cac::lexicon::Lexicon::build(&codes, &analyzer, &cac::lexicon::LexiconSources::embedded()).expect("builds")
        })
    });
    let engine = Engine::builder(Arc::clone(&codes)).build().expect("builds");
    let note = cac::Note::new("bench", common::NOTE_4K);
    group.throughput(Throughput::Bytes(common::NOTE_4K.len() as u64));
    group.sample_size(50);
    group.bench_function("code_4k_note", |b| b.iter(|| engine.code(&note).expect("codes")));
    // The text stage, matching and assertion alone (what the NLP budget covers).
    group.bench_function("text_match_assert_4k_note", |b| {
        b.iter(|| {
            let doc = engine.analyzer().analyze(common::NOTE_4K).expect("analyzes");
            let mentions = engine.lexicon().mentions(engine.codeset(), &doc);
            let context = engine.context().analyze(&doc);
            mentions.iter().map(|m| context.assertion(&doc, m.tokens.0, m.tokens.1)).filter(|a| a.negated).count()
        })
    });
    group.bench_function("analyze_4k_note", |b| {
        b.iter(|| engine.analyzer().analyze(common::NOTE_4K).expect("analyzes"))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
