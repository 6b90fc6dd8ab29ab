//! The store contract suite: what every [`Store`] backend must do, written once against the
//! trait so that SQLite today and PostgreSQL later run exactly the same functions.
//!
//! Each test is an async function taking a [`StoreFactory`] (which makes fresh, empty stores)
//! and panicking on failure. A backend runs the whole suite with one line in its
//! `tests/contract.rs`:
//!
//! ```ignore
//! fn factory() -> MyFactory { /* fresh databases, e.g. in a tempdir */ }
//! store_tests::contract_suite!(factory());
//! ```
//!
//! which expands to one `#[tokio::test]` per contract test (the caller needs `tokio` with the
//! `macros` and `rt` features as a dev-dependency). Nothing here knows which database is behind
//! the trait: batches are built by hand from `coexist_core::ingest` types ([`build`]) and state
//! is read back only through the trait ([`Fixture`]).
//!
//! [`Store`]: coexist_core::store::Store

pub mod build;
mod fixture;
pub mod suite;

pub use fixture::{Fixture, StoreFactory, body_of, request_of};
pub use suite::account::{
    account_event_by_display_number_concerns_that_number,
    account_event_by_waba_concerns_all_its_numbers,
    lifecycle_events_converge_in_any_delivery_order, older_account_event_does_not_undo_a_newer_one,
    onboarding_again_makes_a_disconnected_number_live, other_account_events_change_no_state,
    partner_removed_disconnects_with_reason, reconnected_goes_live_and_keeps_the_disconnection,
};
pub use suite::amendments::{
    business_edit_counts_as_app_activity, edit_before_message_is_applied_on_arrival,
    edit_keeps_the_original_text, older_edit_arriving_late_does_not_overwrite,
    redelivered_edit_is_recorded_once, revoke_keeps_the_content,
};
pub use suite::history::{
    history_chunks_are_counted_once, history_declined_is_recorded, history_is_quiet,
    history_media_fills_the_placeholder, history_media_without_placeholder_is_stored,
};
pub use suite::inbox::changes::{
    assignees_and_chats_belong_to_the_organization, assigning_notifies_the_assignee_unless_self,
    ended_snoozes_are_stored_and_announced_once, labels_replace_the_set_and_are_counted,
    reading_a_chat_marks_customer_messages_read, resolve_and_reopen_are_announced_once,
    snoozes_end_by_themselves,
};
pub use suite::inbox::lists::{
    label_and_number_filters_combine, status_filter_pages_and_ends_snoozes, views_list_by_assignee,
};
pub use suite::inbox::notes::{
    canned_responses_have_unique_shortcuts, contact_attributes_merge_and_are_announced,
    contact_chats_span_numbers, notes_belong_to_the_organization,
    notes_notify_mentioned_users_but_not_the_author, notifications_page_and_are_marked_read,
};
pub use suite::inbox::people::{
    login_failures_are_counted_per_email, sessions_live_until_ended,
    users_are_unique_by_email_and_listed_per_org,
};
pub use suite::inbox::status::{
    customer_message_reopens_a_resolved_chat, customer_message_wakes_a_snoozed_chat,
    history_and_echo_chats_start_resolved, history_echoes_and_redeliveries_never_reopen,
    new_customer_chat_is_open_and_unassigned,
};
pub use suite::messages::{
    chat_last_message_moves_forward_only, contacts_are_keyed_by_wa_id_else_user_id,
    echo_does_not_open_the_service_window, history_copy_of_a_live_message_is_a_no_op,
    ingest_is_idempotent_on_wamid, message_without_contact_ids_is_refused,
    profile_name_follows_live_webhooks, referral_message_is_a_customer_message,
    service_window_follows_the_newest_customer_message, unread_counts_only_customer_messages,
};
pub use suite::numbers::{
    auto_created_number_is_upgraded_to_coexistence,
    coexistence_change_creates_a_coexistence_number, missing_display_number_and_waba_are_filled,
    unknown_number_is_created_unconfigured, upsert_number_claims_an_auto_created_number,
};
pub use suite::onboarding::{
    a_failed_step_keeps_the_step_and_says_why,
    a_sync_request_is_recorded_once_per_onboarding_and_kind,
    concurrent_sync_requests_begin_exactly_once, onboarding_rows_belong_to_the_organization,
    onboardings_advance_one_step_at_a_time_and_audit_each,
    only_a_request_that_never_left_may_be_retried,
    reminders_are_made_once_per_period_and_threshold,
};
pub use suite::orgs::{
    another_orgs_lists_are_empty, another_orgs_rows_are_not_found, api_tokens_are_found_by_hash,
    ensure_org_is_idempotent, revoked_tokens_are_not_found, stream_resumes_after_a_position,
};
pub use suite::outbox::{
    a_send_to_a_new_recipient_creates_contact_and_chat,
    a_status_naming_the_message_reconciles_a_lost_answer, an_accepted_send_records_the_wamid,
    another_orgs_sends_are_not_found, due_sends_are_claimed_once,
    enqueue_creates_a_pending_api_message_in_the_chat, expired_leases_are_interrupted_not_resent,
    idempotency_keys_return_the_first_message, reconciliation_cancels_a_queued_retry,
    retries_requeue_and_failures_fail_the_message, send_target_reports_window_opt_out_and_number,
    stale_outcomes_change_nothing, statuses_before_the_answer_apply_with_it,
};
pub use suite::phonebook::{
    contact_remove_keeps_the_contact, contact_sync_marks_the_number_synced,
    contact_updates_name_their_contact, older_contact_change_never_overwrites_a_newer_one,
};
pub use suite::reads::{
    bad_cursors_are_invalid, chats_filter_by_number, chats_page_most_recent_first_with_cursor,
    contacts_are_listed_by_id_and_searchable, find_messages_by_wamid_spans_numbers,
    message_events_are_oldest_first, messages_page_newest_first_with_cursor,
    search_finds_captions_and_survives_fts_syntax, search_pages_and_follows_edits,
};
pub use suite::records::{
    marketing_preference_newer_wins, template_updates_are_announced_once,
    unparsed_changes_are_accepted, value_errors_are_listed_newest_first,
};
pub use suite::renumber::{
    a_chain_of_number_changes_delivered_backwards_is_one_contact,
    a_late_message_from_the_old_number_finds_the_moved_contact,
    a_message_from_the_old_number_long_after_the_change_is_someone_else,
    a_number_change_merges_the_contact_the_new_number_already_has,
    a_number_change_moves_the_contact_and_its_chat,
    a_number_left_behind_belongs_to_whoever_moves_to_it_later,
    a_redelivered_number_change_changes_nothing_more,
    a_send_queued_before_a_number_change_goes_to_the_new_number,
    number_change_converges_in_any_delivery_order,
};
pub use suite::requests::{
    a_failing_request_is_rolled_back_alone, concurrent_requests_are_each_applied_once,
    outcome_counts_created_duplicate_and_statuses, redelivered_request_changes_nothing,
};
pub use suite::seeded::random_interleavings_converge_to_the_in_order_state;
pub use suite::sending::{
    media_in_messages_is_found_once_and_downloaded, newest_inbound_is_the_latest_customer_message,
    priced_messages_count_once_with_delivery, sending_settings_default_and_change,
    synced_templates_keep_the_newest_status, uploaded_media_is_found_by_id,
};
pub use suite::statuses::{
    every_status_is_recorded_once_with_pricing, failed_status_keeps_the_error,
    status_before_message_is_applied_on_arrival, status_change_is_announced,
    statuses_never_move_backwards, unknown_status_values_are_recorded_but_move_nothing,
};

/// Expands to one `#[tokio::test]` per contract test, each calling it with a factory made by
/// evaluating `$factory` (so every test gets its own).
#[macro_export]
macro_rules! contract_suite {
    ($factory:expr) => {
        $crate::contract_suite!(@each $factory;
            // requests
            redelivered_request_changes_nothing,
            outcome_counts_created_duplicate_and_statuses,
            concurrent_requests_are_each_applied_once,
            a_failing_request_is_rolled_back_alone,
            // numbers
            unknown_number_is_created_unconfigured,
            coexistence_change_creates_a_coexistence_number,
            auto_created_number_is_upgraded_to_coexistence,
            missing_display_number_and_waba_are_filled,
            upsert_number_claims_an_auto_created_number,
            // messages, chats, contacts
            ingest_is_idempotent_on_wamid,
            history_copy_of_a_live_message_is_a_no_op,
            chat_last_message_moves_forward_only,
            unread_counts_only_customer_messages,
            echo_does_not_open_the_service_window,
            service_window_follows_the_newest_customer_message,
            contacts_are_keyed_by_wa_id_else_user_id,
            profile_name_follows_live_webhooks,
            message_without_contact_ids_is_refused,
            referral_message_is_a_customer_message,
            // customers who change number
            a_number_change_moves_the_contact_and_its_chat,
            a_late_message_from_the_old_number_finds_the_moved_contact,
            a_number_change_merges_the_contact_the_new_number_already_has,
            a_redelivered_number_change_changes_nothing_more,
            number_change_converges_in_any_delivery_order,
            a_chain_of_number_changes_delivered_backwards_is_one_contact,
            a_number_left_behind_belongs_to_whoever_moves_to_it_later,
            a_message_from_the_old_number_long_after_the_change_is_someone_else,
            a_send_queued_before_a_number_change_goes_to_the_new_number,
            // statuses
            statuses_never_move_backwards,
            status_before_message_is_applied_on_arrival,
            failed_status_keeps_the_error,
            every_status_is_recorded_once_with_pricing,
            unknown_status_values_are_recorded_but_move_nothing,
            status_change_is_announced,
            // edits and revokes
            edit_keeps_the_original_text,
            older_edit_arriving_late_does_not_overwrite,
            edit_before_message_is_applied_on_arrival,
            revoke_keeps_the_content,
            business_edit_counts_as_app_activity,
            redelivered_edit_is_recorded_once,
            // address book
            contact_remove_keeps_the_contact,
            older_contact_change_never_overwrites_a_newer_one,
            contact_sync_marks_the_number_synced,
            contact_updates_name_their_contact,
            // history
            history_is_quiet,
            history_chunks_are_counted_once,
            history_media_fills_the_placeholder,
            history_media_without_placeholder_is_stored,
            history_declined_is_recorded,
            // account lifecycle
            partner_removed_disconnects_with_reason,
            reconnected_goes_live_and_keeps_the_disconnection,
            account_event_by_waba_concerns_all_its_numbers,
            account_event_by_display_number_concerns_that_number,
            older_account_event_does_not_undo_a_newer_one,
            lifecycle_events_converge_in_any_delivery_order,
            onboarding_again_makes_a_disconnected_number_live,
            other_account_events_change_no_state,
            // templates, preferences, errors
            template_updates_are_announced_once,
            marketing_preference_newer_wins,
            value_errors_are_listed_newest_first,
            unparsed_changes_are_accepted,
            // reads
            chats_page_most_recent_first_with_cursor,
            chats_filter_by_number,
            messages_page_newest_first_with_cursor,
            contacts_are_listed_by_id_and_searchable,
            search_finds_captions_and_survives_fts_syntax,
            search_pages_and_follows_edits,
            find_messages_by_wamid_spans_numbers,
            bad_cursors_are_invalid,
            message_events_are_oldest_first,
            // organizations, tokens, stream
            another_orgs_rows_are_not_found,
            another_orgs_lists_are_empty,
            ensure_org_is_idempotent,
            api_tokens_are_found_by_hash,
            revoked_tokens_are_not_found,
            stream_resumes_after_a_position,
            // the shared inbox: what messages do to a chat's status
            new_customer_chat_is_open_and_unassigned,
            history_and_echo_chats_start_resolved,
            customer_message_reopens_a_resolved_chat,
            customer_message_wakes_a_snoozed_chat,
            history_echoes_and_redeliveries_never_reopen,
            // the shared inbox: agents' changes
            assigning_notifies_the_assignee_unless_self,
            assignees_and_chats_belong_to_the_organization,
            resolve_and_reopen_are_announced_once,
            snoozes_end_by_themselves,
            ended_snoozes_are_stored_and_announced_once,
            labels_replace_the_set_and_are_counted,
            reading_a_chat_marks_customer_messages_read,
            // the shared inbox: lists
            views_list_by_assignee,
            status_filter_pages_and_ends_snoozes,
            label_and_number_filters_combine,
            // the shared inbox: people, notes, canned responses, contacts
            users_are_unique_by_email_and_listed_per_org,
            sessions_live_until_ended,
            login_failures_are_counted_per_email,
            notes_notify_mentioned_users_but_not_the_author,
            notes_belong_to_the_organization,
            notifications_page_and_are_marked_read,
            canned_responses_have_unique_shortcuts,
            contact_chats_span_numbers,
            contact_attributes_merge_and_are_announced,
            // sending: the outbox
            enqueue_creates_a_pending_api_message_in_the_chat,
            idempotency_keys_return_the_first_message,
            a_send_to_a_new_recipient_creates_contact_and_chat,
            send_target_reports_window_opt_out_and_number,
            due_sends_are_claimed_once,
            an_accepted_send_records_the_wamid,
            retries_requeue_and_failures_fail_the_message,
            stale_outcomes_change_nothing,
            expired_leases_are_interrupted_not_resent,
            a_status_naming_the_message_reconciles_a_lost_answer,
            reconciliation_cancels_a_queued_retry,
            statuses_before_the_answer_apply_with_it,
            another_orgs_sends_are_not_found,
            // sending: templates, media, costs, settings
            synced_templates_keep_the_newest_status,
            media_in_messages_is_found_once_and_downloaded,
            uploaded_media_is_found_by_id,
            priced_messages_count_once_with_delivery,
            sending_settings_default_and_change,
            newest_inbound_is_the_latest_customer_message,
            // onboarding: the flow, the once-only syncs, reminders, the audit trail
            onboardings_advance_one_step_at_a_time_and_audit_each,
            a_failed_step_keeps_the_step_and_says_why,
            a_sync_request_is_recorded_once_per_onboarding_and_kind,
            only_a_request_that_never_left_may_be_retried,
            concurrent_sync_requests_begin_exactly_once,
            reminders_are_made_once_per_period_and_threshold,
            onboarding_rows_belong_to_the_organization,
            // convergence
            random_interleavings_converge_to_the_in_order_state,
        );
    };
    (@each $factory:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let factory = $factory;
                $crate::$name(&factory).await;
            }
        )*
    };
}
