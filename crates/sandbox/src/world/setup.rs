//! Building the world at start: one WABA, its numbers (onboarded at the start time unless
//! configured otherwise), a phone app per coexistence number, and the seeded templates.

use std::collections::BTreeMap;

use crate::config::SandboxConfig;
use crate::ids::{self, Ids, Stream};
use crate::scheduler::Scheduler;
use crate::state::media::MediaStore;
use crate::state::phone::PhoneApp;
use crate::state::templates::{self, Template, Templates};
use crate::state::waba::{Lifecycle, Number, Waba, default_throughput};
use crate::webhooks::outbox::Outbox;
use crate::world::{Task, World};

impl World {
    /// A fresh world at sandbox time `start_ms`.
    pub(crate) fn new(cfg: SandboxConfig, start_ms: u64) -> World {
        let seed = cfg.seed;
        let mut world = World {
            now: start_ms,
            ids: Ids::new(seed),
            latency_rng: ids::rng(seed, Stream::Latency),
            fault_rng: ids::rng(seed, Stream::Faults),
            wabas: BTreeMap::new(),
            numbers: BTreeMap::new(),
            customers: BTreeMap::new(),
            threads: BTreeMap::new(),
            phones: BTreeMap::new(),
            templates: Templates::default(),
            media: MediaStore::default(),
            messages: BTreeMap::new(),
            sent_log: Vec::new(),
            tasks: Scheduler::default(),
            outbox: Outbox::default(),
            auto: None,
            public_base_url: String::new(),
            signup: crate::signup::Signups::new(seed),
            cfg,
        };
        let waba_id = world.create_waba();
        world.create_numbers(&waba_id);
        world.seed_templates(&waba_id);
        world.seed_signup();
        if world.cfg.seed_phone {
            crate::auto::seed_phones(&mut world);
        }
        if world.cfg.mode == crate::config::Mode::Auto {
            crate::auto::start(&mut world);
        }
        world
    }

    fn create_waba(&mut self) -> String {
        let waba = Waba {
            id: self.ids.numeric(15),
            name: "Lucky Shrub".to_owned(),
            owner_business_id: self.ids.numeric(16),
            partner_business_id: self.ids.numeric(16),
        };
        let id = waba.id.clone();
        self.wabas.insert(id.clone(), waba);
        id
    }

    fn create_numbers(&mut self, waba_id: &str) {
        for spec in self.cfg.numbers.clone() {
            let id = self.ids.numeric(15);
            let mut number = Number {
                id: id.clone(),
                waba_id: waba_id.to_owned(),
                display_phone_number: spec.display_phone_number.clone(),
                verified_name: spec.verified_name.clone(),
                mode: spec.mode,
                lifecycle: Lifecycle::AppOnly,
                onboarded_at: None,
                throughput_mps: spec
                    .throughput_mps
                    .unwrap_or_else(|| default_throughput(spec.mode)),
                pair_rate: self.cfg.pair_rate,
                contacts_sync: None,
                history_sync: None,
                lifecycle_log: Vec::new(),
                throughput: Default::default(),
            };
            if spec.onboarded {
                number.connect(self.now, "onboarded");
            }
            let coexistence = number.is_coexistence();
            self.numbers.insert(id.clone(), number);
            if coexistence {
                self.phones.insert(id.clone(), PhoneApp::new(self.now));
                self.schedule_inactivity_check(&id);
            }
        }
    }

    fn seed_templates(&mut self, waba_id: &str) {
        for (name, language, category, components) in templates::seeded() {
            let template = Template {
                id: self.ids.numeric(16),
                waba_id: waba_id.to_owned(),
                name: name.to_owned(),
                language: language.to_owned(),
                category: category.to_owned(),
                status: "APPROVED".to_owned(),
                parameter_format: "POSITIONAL".to_owned(),
                components,
                created_at: self.now,
            };
            self.templates.insert(template);
        }
    }

    /// Schedules the inactivity check for when the phone will have been idle long enough.
    pub(crate) fn schedule_inactivity_check(&mut self, phone_number_id: &str) {
        let Some(phone) = self.phones.get(phone_number_id) else {
            return;
        };
        let due = phone.last_opened_at + self.cfg.inactivity_days * 86_400_000;
        self.tasks.push(
            due,
            Task::InactivityCheck {
                phone_number_id: phone_number_id.to_owned(),
            },
        );
    }
}
