//! The phone app on a coexistence number (echoes, edits, revokes, contacts), customer edits and
//! revokes, the number's lifecycle, and the onboarding-status fields.

mod common;

use common::{cloud, coex, graph, send_template, setup, setup_with};
use sandbox::PartnerRemovedShape;
use serde_json::json;

const CUSTOMER: &str = "16505551234";

#[tokio::test]
async fn the_phone_sends_text_and_media_as_smb_message_echoes() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let text = sb
        .phone_send(
            &pnid,
            CUSTOMER,
            json!({"type": "text", "text": {"body": "Hi from the shop"}}),
        )
        .await;
    assert!(text.is_ok(), "{text:?}");
    for (kind, extra) in [
        ("image", json!({"caption": "New pots"})),
        ("video", json!({})),
        ("document", json!({"filename": "menu.pdf"})),
    ] {
        let res = sb
            .phone_send(&pnid, CUSTOMER, json!({"type": kind, kind: extra}))
            .await;
        assert!(res.is_ok(), "{kind}: {res:?}");
    }
    let echoes = rx.values("smb_message_echoes");
    assert_eq!(echoes.len(), 4);
    let first = &echoes[0];
    assert_eq!(
        first["contacts"][0]["wa_id"], CUSTOMER,
        "contacts beside message_echoes"
    );
    let e = &first["message_echoes"][0];
    assert_eq!(e["from"], "15550100001");
    assert_eq!(e["to"], CUSTOMER);
    assert!(e["to_user_id"].as_str().unwrap().starts_with("US."));
    assert!(
        e["to_parent_user_id"]
            .as_str()
            .unwrap()
            .starts_with("US.ENT.")
    );
    assert_eq!(e["id"], text.wamid().unwrap());
    assert_eq!(e["text"]["body"], "Hi from the shop");
    let image = &echoes[1]["message_echoes"][0]["image"];
    assert_eq!(image["caption"], "New pots");
    assert!(
        image["id"].is_string()
            && image["sha256"].is_string()
            && image["mime_type"] == "image/jpeg"
    );
    assert_eq!(
        echoes[3]["message_echoes"][0]["document"]["filename"],
        "menu.pdf"
    );
}

#[tokio::test]
async fn the_phone_edits_and_revokes_with_their_own_ids() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let original = sb
        .phone_send(
            &pnid,
            CUSTOMER,
            json!({"type": "text", "text": {"body": "Opne at 9"}}),
        )
        .await;
    let original = original.wamid().unwrap().to_owned();
    let edit = sb
        .control("POST", &format!("/phones/{pnid}/edit"),
                 Some(json!({"message_id": original, "message": {"type": "text", "text": {"body": "Open at 9"}}})))
        .await;
    assert!(edit.is_ok(), "{edit:?}");
    let revoke = sb
        .control(
            "POST",
            &format!("/phones/{pnid}/revoke"),
            Some(json!({"message_id": original})),
        )
        .await;
    assert!(revoke.is_ok(), "{revoke:?}");
    let echoes = rx.values("smb_message_echoes");
    let edit_echo = &echoes[1]["message_echoes"][0];
    assert_eq!(edit_echo["type"], "edit");
    assert_eq!(edit_echo["edit"]["original_message_id"], original.as_str());
    assert_eq!(edit_echo["edit"]["message"]["text"]["body"], "Open at 9");
    assert_ne!(edit_echo["id"], original.as_str());
    let revoke_echo = &echoes[2]["message_echoes"][0];
    assert_eq!(revoke_echo["type"], "revoke");
    assert_eq!(
        revoke_echo["revoke"]["original_message_id"],
        original.as_str()
    );
    assert_eq!(revoke_echo["id"], revoke.wamid().unwrap());
    let again = sb
        .control(
            "POST",
            &format!("/phones/{pnid}/revoke"),
            Some(json!({"message_id": original})),
        )
        .await;
    assert_eq!(
        again.status, 409,
        "a revoked message cannot be revoked again"
    );
}

#[tokio::test]
async fn address_book_changes_are_state_sync_and_remove_carries_only_the_number() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let add = json!({"phone_number": "+1 650 555 1234", "full_name": "Pablo Morales"});
    assert!(
        sb.control("POST", &format!("/phones/{pnid}/contacts"), Some(add))
            .await
            .is_ok()
    );
    let edit =
        json!({"phone_number": CUSTOMER, "full_name": "Pablo M. Morales", "first_name": "Pablo"});
    assert!(
        sb.control("POST", &format!("/phones/{pnid}/contacts"), Some(edit))
            .await
            .is_ok()
    );
    assert!(
        sb.control(
            "DELETE",
            &format!("/phones/{pnid}/contacts/{CUSTOMER}"),
            None
        )
        .await
        .is_ok()
    );
    let missing = sb
        .control(
            "DELETE",
            &format!("/phones/{pnid}/contacts/{CUSTOMER}"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    let syncs: Vec<_> = rx
        .values("smb_app_state_sync")
        .iter()
        .map(|v| v["state_sync"][0].clone())
        .collect();
    assert_eq!(syncs.len(), 3);
    assert_eq!(syncs[0]["action"], "add");
    assert_eq!(syncs[0]["type"], "contact");
    assert_eq!(
        syncs[0]["contact"],
        json!({"full_name": "Pablo Morales", "first_name": "Pablo", "phone_number": CUSTOMER})
    );
    assert_eq!(syncs[1]["action"], "add", "an edit is an add");
    assert_eq!(syncs[1]["contact"]["full_name"], "Pablo M. Morales");
    assert_eq!(syncs[2]["action"], "remove");
    assert_eq!(syncs[2]["contact"], json!({"phone_number": CUSTOMER}));
    assert!(syncs[2]["metadata"]["timestamp"].is_string());
}

#[tokio::test]
async fn customers_edit_and_revoke_their_messages_within_the_windows() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    let sent = sb
        .customer_says(CUSTOMER, &pnid, "I want 3 pots")
        .await
        .wamid()
        .unwrap()
        .to_owned();
    let edit = json!({"phone_number_id": pnid, "message_id": sent, "message": {"type": "text", "text": {"body": "I want 4 pots"}}});
    let res = sb
        .control(
            "POST",
            &format!("/customers/{CUSTOMER}/edit"),
            Some(edit.clone()),
        )
        .await;
    assert!(res.is_ok(), "{res:?}");
    let m = &rx.values("messages")[1]["messages"][0];
    assert_eq!(m["type"], "edit");
    assert_eq!(m["edit"]["original_message_id"], sent.as_str());
    assert_eq!(m["edit"]["message"]["text"]["body"], "I want 4 pots");
    sb.advance(16 * 60).await;
    let late = sb
        .control("POST", &format!("/customers/{CUSTOMER}/edit"), Some(edit))
        .await;
    assert_eq!(late.status, 409, "edits only within 15 minutes");
    let revoke = json!({"phone_number_id": pnid, "message_id": sent});
    let res = sb
        .control(
            "POST",
            &format!("/customers/{CUSTOMER}/revoke"),
            Some(revoke),
        )
        .await;
    assert!(res.is_ok(), "{res:?}");
    let m = &rx.values("messages")[2]["messages"][0];
    assert_eq!(m["type"], "revoke");
    assert_eq!(m["revoke"]["original_message_id"], sent.as_str());
    assert_eq!(m["id"], res.wamid().unwrap());
}

#[tokio::test]
async fn customer_read_receipts_move_api_messages_to_read() {
    let (rx, sb) = setup_with(|c| c.status_timings.read_probability = 0.0).await;
    let pnid = cloud(&sb);
    let (_, body) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    let wamid = common::wamid_of(&body);
    sb.advance(30).await;
    assert_eq!(rx.status_names(&wamid), ["sent", "delivered"]);
    let res = sb
        .control(
            "POST",
            &format!("/customers/{CUSTOMER}/read"),
            Some(json!({"phone_number_id": pnid})),
        )
        .await;
    assert_eq!(res.body["read"], json!([wamid]));
    assert_eq!(rx.status_names(&wamid), ["sent", "delivered", "read"]);
}

#[tokio::test]
async fn a_forced_status_is_emitted_and_a_late_delivered_after_read_is_dropped() {
    let (rx, sb) = setup().await;
    let pnid = cloud(&sb);
    let (_, body) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    let wamid = common::wamid_of(&body);
    sb.flush().await;
    let res = sb
        .control(
            "POST",
            &format!("/messages/{wamid}/status"),
            Some(json!({"status": "read"})),
        )
        .await;
    assert!(res.is_ok(), "{res:?}");
    sb.advance(30).await;
    assert_eq!(
        rx.status_names(&wamid),
        ["sent", "read"],
        "no regression to delivered"
    );
    let read = rx
        .statuses()
        .into_iter()
        .find(|s| s["status"] == "read")
        .unwrap();
    assert!(
        read["pricing"].is_object(),
        "read carries pricing when delivered never went out"
    );
    let fail = json!({"status": "failed", "error_code": 131026});
    assert!(
        sb.control("POST", &format!("/messages/{wamid}/status"), Some(fail))
            .await
            .is_ok()
    );
    assert_eq!(rx.statuses().last().unwrap()["errors"][0]["code"], 131026);
}

#[tokio::test]
async fn fourteen_days_without_opening_the_app_disconnects_with_primary_inactivity() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    sb.advance(13 * 86_400).await;
    assert!(rx.values("account_update").is_empty());
    assert!(
        sb.control("POST", &format!("/phones/{pnid}/open"), None)
            .await
            .is_ok()
    );
    sb.advance(13 * 86_400).await;
    assert!(
        rx.values("account_update").is_empty(),
        "opening the app resets the clock"
    );
    sb.advance(86_400).await;
    let updates = rx.values("account_update");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["event"], "PARTNER_REMOVED");
    assert_eq!(updates[0]["phone_number"], "15550100001");
    assert_eq!(
        updates[0]["disconnection_info"],
        json!({"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"})
    );
    let accepted = rx.accepted();
    let entry = &accepted.last().unwrap()["entry"][0];
    assert_eq!(entry["id"], sb.waba_id());
    assert!(entry["time"].is_u64());
    let (status, body) = common::send_text(&sb, &pnid, CUSTOMER, "hello?").await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (400, json!(133010)),
        "disconnected numbers refuse sends"
    );
    let (_, fields) = graph(
        &sb,
        "GET",
        &format!("/{pnid}?fields=is_on_biz_app,platform_type"),
        None,
    )
    .await;
    assert_eq!(fields["platform_type"], "NOT_APPLICABLE");
}

#[tokio::test]
async fn the_reference_shape_of_partner_removed_names_the_waba_in_waba_info() {
    let (rx, sb) = setup_with(|c| c.partner_removed_shape = PartnerRemovedShape::Reference).await;
    let pnid = coex(&sb);
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/disconnect"), None)
            .await
            .is_ok()
    );
    let update = &rx.values("account_update")[0];
    assert_eq!(update["event"], "PARTNER_REMOVED");
    assert_eq!(update["waba_info"]["waba_id"], sb.waba_id());
    assert!(update["waba_info"]["owner_business_id"].is_string());
    assert_eq!(update["disconnection_info"]["initiated_by"], "USER");
    assert_ne!(
        rx.accepted()[0]["entry"][0]["id"],
        sb.waba_id(),
        "entry.id is the partner"
    );
}

#[tokio::test]
async fn offboarding_and_reconnecting_emit_account_updates_and_gate_sends() {
    let (rx, sb) = setup().await;
    let pnid = coex(&sb);
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/offboard"), None)
            .await
            .is_ok()
    );
    let (status, _) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    assert_eq!(status, 400);
    let echo = sb
        .phone_send(
            &pnid,
            CUSTOMER,
            json!({"type": "text", "text": {"body": "offline"}}),
        )
        .await;
    assert!(echo.is_ok());
    assert!(
        rx.values("smb_message_echoes").is_empty(),
        "no echoes while offboarded"
    );
    assert!(
        sb.control("POST", &format!("/numbers/{pnid}/reconnect"), None)
            .await
            .is_ok()
    );
    let events: Vec<_> = rx
        .values("account_update")
        .iter()
        .map(|v| v["event"].clone())
        .collect();
    assert_eq!(
        events,
        [json!("ACCOUNT_OFFBOARDED"), json!("ACCOUNT_RECONNECTED")]
    );
    let (status, _) = send_template(&sb, &pnid, CUSTOMER, "hello_world", "en_US", &[]).await;
    assert_eq!(status, 200);
    let again = sb
        .control("POST", &format!("/numbers/{pnid}/reconnect"), None)
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn onboarding_status_fields_follow_meta() {
    let (_rx, sb) = setup().await;
    let (status, body) = graph(
        &sb,
        "GET",
        &format!("/{}?fields=is_on_biz_app,platform_type", coex(&sb)),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"is_on_biz_app": true, "platform_type": "CLOUD_API", "id": coex(&sb)})
    );
    let (_, body) = graph(
        &sb,
        "GET",
        &format!("/{}?fields=is_on_biz_app,platform_type", cloud(&sb)),
        None,
    )
    .await;
    assert_eq!(body["is_on_biz_app"], false);
    let (status, body) = graph(&sb, "GET", &format!("/{}?fields=nope", cloud(&sb)), None).await;
    assert_eq!((status, body["error"]["code"].clone()), (400, json!(100)));
    let (_, list) = graph(
        &sb,
        "GET",
        &format!("/{}/phone_numbers", sb.waba_id()),
        None,
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    let (_, sub) = graph(
        &sb,
        "POST",
        &format!("/{}/subscribed_apps", sb.waba_id()),
        None,
    )
    .await;
    assert_eq!(sub, json!({"success": true}));
}

#[tokio::test]
async fn cloud_only_numbers_have_no_phone_app() {
    let (_rx, sb) = setup().await;
    let res = sb
        .phone_send(
            &cloud(&sb),
            CUSTOMER,
            json!({"type": "text", "text": {"body": "x"}}),
        )
        .await;
    assert_eq!(res.status, 409);
    let bad = sb
        .phone_send(
            &coex(&sb),
            CUSTOMER,
            json!({"type": "location", "location": {"latitude": "north"}}),
        )
        .await;
    assert_eq!(
        bad.status, 400,
        "content meta cannot parse is refused: {bad:?}"
    );
}
