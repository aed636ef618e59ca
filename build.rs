//! Compiles proto/cac/v1/*.proto with the protoc binary vendored by `protoc-bin-vendored` (nothing to install),
//! writes the file descriptor set that gRPC server reflection serves, and lists the data files under `models/`
//! that the binary embeds (every `models/lexicon/*.tsv`, so adding a lexicon file needs no code change).
use std::fmt::Write as _;
use std::{env, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: build scripts are single-threaded; prost-build reads PROTOC from the environment.
    unsafe { env::set_var("PROTOC", protoc) };
    let out = PathBuf::from(env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .file_descriptor_set_path(out.join("cac_v1_descriptor.bin"))
        .compile_protos(&["proto/cac/v1/coding.proto"], &["proto"])?;
    println!("cargo:rerun-if-changed=proto");
    embed_models(&out)?;
    Ok(())
}

/// Writes `models.rs`: `include_str!` of each data file, so the binary carries what it was tested with.
fn embed_models(out: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let mut lexicon: Vec<PathBuf> = fs::read_dir(root.join("models/lexicon"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    lexicon.sort();
    let mut code =
        String::from("/// Clinical lexicon files: (file name, contents).\npub const LEXICON: &[(&str, &str)] = &[\n");
    for p in &lexicon {
        let name = p.file_name().and_then(|n| n.to_str()).ok_or("bad file name")?;
        writeln!(code, "    ({name:?}, include_str!({:?})),", p.display().to_string())?;
    }
    code.push_str("];\n");
    for (constant, file) in [
        ("WORD_FORMS", "models/words/forms.tsv"),
        ("MODIFIERS", "models/words/modifiers.tsv"),
        ("CONTEXT_TRIGGERS", "models/context/triggers.tsv"),
        ("COMBINATIONS", "models/coding/combinations.tsv"),
        ("INTEGRAL_SYMPTOMS", "models/coding/integral_symptoms.tsv"),
        ("LESS_SPECIFIC", "models/coding/less_specific.tsv"),
        ("CPT_STARTER", "models/cpt/starter.tsv"),
        ("CDI_INDICATORS", "models/cdi/indicators.toml"),
        ("CDI_LINKS", "models/cdi/links.toml"),
        ("TOKENIZER", "models/tokenizer.json"),
    ] {
        let path = root.join(file);
        writeln!(
            code,
            "/// `{file}`.\npub const {constant}: (&str, &str) = ({file:?}, include_str!({:?}));",
            path.display().to_string()
        )?;
    }
    // The trained scorer, when one has been trained (`make model`); the engine falls back to rules without it.
    let scorer = root.join("models/scorer.onnx");
    if scorer.is_file() {
        writeln!(
            code,
            "/// `models/scorer.onnx`.\npub const SCORER: Option<(&str, &[u8])> = Some((\"models/scorer.onnx\", include_bytes!({:?})));",
            scorer.display().to_string()
        )?;
    } else {
        code.push_str(
            "/// No trained scorer was present at build time.\npub const SCORER: Option<(&str, &[u8])> = None;\n",
        );
    }
    fs::write(out.join("models.rs"), code)?;
    println!("cargo:rerun-if-changed=models");
    Ok(())
}
