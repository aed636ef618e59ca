//! gRPC round trip, served in-process on 127.0.0.1:0: CodeNote, LookupCode, SearchCodes, health, reflection.
use cac::grpc::pb;
use cac::grpc::pb::coding_client::CodingClient;
use tonic::Code;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::common::{InProcess, serve_in_process};

async fn start() -> InProcess {
    serve_in_process(Default::default()).await
}

#[tokio::test]
async fn code_note_round_trip() {
    let server = start().await;
    let mut client = CodingClient::new(server.channel().await);
    let text = "Impression: Zoë has acute on chronic systolic heart failure and essential hypertension.";
    let response = client
        .code_note(pb::CodeNoteRequest {
            note_id: "r1".into(),
            text: text.into(),
            setting: pb::Setting::Inpatient as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.note_id, "r1");
    assert_eq!(response.codeset, "ICD-10-CM 2026-04");
    let hf = response.codes.iter().find(|c| c.code == "I50.23").expect("I50.23");
    assert_eq!(hf.system, "ICD-10-CM");
    assert!(hf.billable);
    let ev = &hf.evidence[0];
    let slice: String = text.chars().skip(ev.begin as usize).take((ev.end - ev.begin) as usize).collect();
    assert_eq!(slice, ev.text);
    assert_eq!(ev.text, "acute on chronic systolic heart failure");
    // Hypertension with heart failure is the combination code I11.0, sequenced before the heart failure it
    // asks to add (Guidelines I.C.9.a.1).
    let i110 = response.codes.iter().find(|c| c.code == "I11.0").expect("I11.0");
    assert!(i110.sequence < hf.sequence, "{} vs {}", i110.sequence, hf.sequence);
    assert!(i110.rationale.contains("combination"), "{}", i110.rationale);
    assert!(response.excluded.iter().any(|x| x.code == "I10" && x.reason == "combination"));
    assert_eq!(ev.assertion, Some(pb::Assertion::default()), "affirmed, current, the patient's");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_requests_get_clear_statuses_and_the_service_keeps_serving() {
    let server = start().await;
    let mut client = CodingClient::new(server.channel().await);
    let empty = client
        .code_note(pb::CodeNoteRequest { note_id: "e".into(), text: "  ".into(), setting: 0, ..Default::default() })
        .await;
    let status = empty.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "text is empty");

    let big = "a".repeat(cac::engine::DEFAULT_MAX_NOTE_BYTES + 1);
    let status = client
        .code_note(pb::CodeNoteRequest { note_id: "b".into(), text: big, setting: 0, ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("1048576"), "{}", status.message());

    let status = client.lookup_code(pb::LookupCodeRequest { code: "Q99.99".into() }).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);

    // An unknown setting value is treated as unspecified (outpatient), not an error.
    let ok = client
        .code_note(pb::CodeNoteRequest {
            note_id: "k".into(),
            text: "Essential hypertension".into(),
            setting: 99,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ok.codes[0].code, "I10");
    let denied = client
        .code_note(pb::CodeNoteRequest {
            note_id: "d".into(),
            text: "Denies chest pain.".into(),
            setting: 0,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let chest = denied.excluded.iter().find(|x| x.code == "R07.9").expect("negated chest pain in excluded");
    assert_eq!(chest.reason, "negated");
    assert!(chest.evidence[0].assertion.as_ref().unwrap().negated);
    server.shutdown().await;
}

#[tokio::test]
async fn lookup_and_search() {
    let server = start().await;
    let mut client = CodingClient::new(server.channel().await);
    let d = client.lookup_code(pb::LookupCodeRequest { code: "S72.001A".into() }).await.unwrap().into_inner();
    assert!(d.billable);
    assert_eq!(d.parent, "S72.001");
    assert_eq!(d.chapter, "19");
    assert!(d.notes.iter().any(|n| n.kind == "seven_character_note" && n.source == "S72"));
    let e11 = client.lookup_code(pb::LookupCodeRequest { code: "e11".into() }).await.unwrap().into_inner();
    assert!(!e11.billable);
    assert!(e11.children.contains(&"E11.9".to_string()));
    let hits = client
        .search_codes(pb::SearchCodesRequest { query: "heart failure".into(), limit: 3, billable_only: true })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(hits.hits.len(), 3);
    assert_eq!(hits.hits[0].code, "I50.9");
    server.shutdown().await;
}

#[tokio::test]
async fn health_reports_serving() {
    let server = start().await;
    let mut health = HealthClient::new(server.channel().await);
    for service in ["", "cac.v1.Coding"] {
        let r = health.check(HealthCheckRequest { service: service.into() }).await.unwrap().into_inner();
        assert_eq!(r.status, ServingStatus::Serving as i32, "service {service:?}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn reflection_lists_and_describes_the_service() {
    let server = start().await;
    let mut reflection = ServerReflectionClient::new(server.channel().await);
    let requests = tokio_stream::iter(vec![
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        },
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol("cac.v1.Coding".into())),
        },
    ]);
    let mut responses = reflection.server_reflection_info(requests).await.unwrap().into_inner();
    let first = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = first.message_response else { panic!("not a list") };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in ["cac.v1.Coding", "grpc.health.v1.Health"] {
        assert!(names.iter().any(|n| n == expected), "{expected} not in {names:?}");
    }
    let second = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::FileDescriptorResponse(files)) = second.message_response else { panic!("no file") };
    assert!(!files.file_descriptor_proto.is_empty());
    server.shutdown().await;
}
