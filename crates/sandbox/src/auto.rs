//! Auto mode: seeded, realistic traffic for demos. Customers with names write in several
//! languages (emoji included), ask questions, send images and locations, sometimes arrive from a
//! click-to-WhatsApp ad; the owner answers some chats from the phone, edits or deletes now and
//! then, and keeps the address book; statuses follow the configured latencies.
//!
//! Every choice comes from the `Traffic` stream of the seed and every event runs at its
//! scheduled sandbox time, so the same seed yields the same sequence of events.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha20Rng;
use serde_json::{Value, json};

use crate::ids::{self, Stream};
use crate::world::inbound::CustomerMessage;
use crate::world::phone_ops::SeedMessage;
use crate::world::{Task, World};

/// A customer of the demo population.
#[derive(Debug, Clone)]
struct Persona {
    wa_id: String,
    name: &'static str,
    lang: usize,
}

/// State of the traffic generator.
#[derive(Debug)]
pub(crate) struct AutoState {
    rng: ChaCha20Rng,
    people: Vec<Persona>,
    /// Last customer message per (number, wa_id), for replies, edits and revokes.
    recent: Vec<(String, String, String, u64)>,
}

const PEOPLE: &[(&str, &str, usize)] = &[
    ("Sheena Nelson", "1650555", 0),
    ("Pablo Morales", "34612", 1),
    ("Ana Souza", "5511987", 2),
    ("Lukas Becker", "49151", 3),
    ("Camille Martin", "33612", 4),
    ("Priya Sharma", "91987", 5),
    ("Omar Haddad", "97150", 6),
    ("Yuki Tanaka", "81901", 7),
    ("Chidi Okafor", "234803", 0),
    ("Lucía Fernández", "52155", 1),
    ("João Pereira", "351912", 2),
    ("Grace Kim", "1415555", 0),
];

const LINES: &[&[&str]] = &[
    &[
        "Hi! Do you have the Black Prince echeveria in stock? 🌵",
        "What time do you close today?",
        "Can I pick up my order tomorrow?",
        "Thanks so much 🙏",
        "Is delivery free over $50?",
    ],
    &[
        "¡Hola! ¿Tienen suculentas pequeñas? 🌱",
        "¿Cuánto cuesta el envío a Madrid?",
        "Perfecto, muchas gracias 😊",
        "¿Aceptan pagos con tarjeta?",
    ],
    &[
        "Olá! Vocês entregam em São Paulo? 🚚",
        "Quanto custa o vaso de cerâmica?",
        "Obrigada! ❤️",
        "Meu pedido ainda não chegou 😕",
    ],
    &[
        "Hallo! Habt ihr Kakteen für Anfänger? 🌵",
        "Wann kommt meine Bestellung an?",
        "Danke schön! 👍",
    ],
    &[
        "Bonjour ! Vous livrez à Lyon ? 🌿",
        "Ma plante a des feuilles jaunes, que faire ?",
        "Merci beaucoup 😍",
    ],
    &[
        "Namaste! Kya aapke paas aloe vera hai? 🪴",
        "Order kab tak aayega?",
        "Dhanyavaad 🙏",
    ],
    &[
        "مرحبا! هل لديكم نباتات داخلية؟ 🌿",
        "كم سعر التوصيل؟",
        "شكرا جزيلا 🌸",
    ],
    &[
        "こんにちは！多肉植物はありますか？🌵",
        "配送にどれくらいかかりますか？",
        "ありがとうございます 😊",
    ],
];

const OWNER_REPLIES: &[&str] = &[
    "Hi! Yes, we have it in stock 🌵",
    "We're open until 6pm today.",
    "Your order is on its way 🚚",
    "Thanks for your message! We'll get back to you shortly.",
    "Sure, I'll reserve one for you.",
];

fn personas(rng: &mut ChaCha20Rng) -> Vec<Persona> {
    PEOPLE
        .iter()
        .map(|(name, prefix, lang)| {
            let missing = 11usize.saturating_sub(prefix.len()).max(4);
            let digits: String = (0..missing)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect();
            Persona {
                wa_id: format!("{prefix}{digits}"),
                name,
                lang: *lang,
            }
        })
        .collect()
}

/// Starts the generator: the first event is due shortly after start.
pub(crate) fn start(world: &mut World) {
    let mut rng = ids::rng(world.cfg.seed, Stream::Traffic);
    let people = personas(&mut rng);
    world.auto = Some(AutoState {
        rng,
        people,
        recent: Vec::new(),
    });
    let first = world.now + 1_000;
    world.tasks.push(first, Task::Auto);
}

/// One auto-mode event, then the next one is scheduled.
pub(crate) fn tick(world: &mut World) {
    let Some(mut auto) = world.auto.take() else {
        return;
    };
    let roll: f64 = auto.rng.random();
    let outcome = if roll < 0.55 {
        customer_writes(world, &mut auto)
    } else if roll < 0.75 {
        owner_replies(world, &mut auto)
    } else if roll < 0.82 {
        customer_edits_or_revokes(world, &mut auto)
    } else if roll < 0.88 {
        owner_touches_contacts(world, &mut auto)
    } else {
        owner_opens_app(world)
    };
    if let Err(e) = outcome {
        tracing::debug!(error = %e, "auto-mode event skipped");
    }
    let mean = world.cfg.auto_mean_interval_ms.max(1) as f64;
    let u: f64 = auto.rng.random_range(0.01..1.0);
    let gap = (-u.ln() * mean) as u64 + 200;
    world.tasks.push(world.now + gap, Task::Auto);
    world.auto = Some(auto);
}

fn connected_numbers(world: &World, coexistence_only: bool) -> Vec<String> {
    world
        .numbers
        .values()
        .filter(|n| n.is_connected() && (!coexistence_only || n.is_coexistence()))
        .map(|n| n.id.clone())
        .collect()
}

/// A connected number (a coexistence one if asked) and a persona, drawn in that order.
fn pick(
    world: &World,
    auto: &mut AutoState,
    coexistence_only: bool,
) -> Result<(String, Persona), String> {
    let numbers = connected_numbers(world, coexistence_only);
    let pnid = numbers.choose(&mut auto.rng).ok_or(if coexistence_only {
        "no coexistence number"
    } else {
        "no connected number"
    })?;
    let person = auto.people.choose(&mut auto.rng).ok_or("no people")?;
    Ok((pnid.clone(), person.clone()))
}

fn customer_writes(world: &mut World, auto: &mut AutoState) -> Result<(), String> {
    let (pnid, person) = pick(world, auto, false)?;
    let roll: f64 = auto.rng.random();
    let mut message = if roll < 0.1 {
        json!({"type": "image", "image": {"mime_type": "image/jpeg", "caption": "Look at this one 📸"}})
    } else if roll < 0.17 {
        json!({"type": "location", "location": {"latitude": 37.4611978, "longitude": -122.2164385,
                "name": "Lucky Shrub Garden", "address": "1 Hacker Way, Menlo Park, CA 94025"}})
    } else {
        let line = LINES[person.lang]
            .choose(&mut auto.rng)
            .copied()
            .unwrap_or("Hi");
        json!({"type": "text", "text": {"body": line}})
    };
    let first_contact = !world
        .threads
        .contains_key(&(pnid.clone(), person.wa_id.clone()));
    if first_contact && auto.rng.random_bool(0.3) {
        message["referral"] = json!({
            "source_url": "https://fb.me/3cr4Wqqkv", "source_id": "120226305854810726",
            "source_type": "ad", "body": "Summer Succulents are here!", "headline": "Chat with us",
            "media_type": "image", "image_url": "https://example.invalid/ad.jpg",
            "ctwa_clid": format!("ctwa-{}", auto.rng.random_range(100_000..999_999u32)),
            "welcome_message": {"text": "Hi there! Let us know how we can help!"}
        });
    }
    let outcome = world
        .customer_send(
            &person.wa_id,
            &pnid,
            CustomerMessage {
                message,
                name: Some(person.name.to_owned()),
            },
        )
        .map_err(|e| e.message)?;
    auto.recent
        .push((pnid, person.wa_id, outcome.wamid, world.now));
    if auto.recent.len() > 20 {
        auto.recent.remove(0);
    }
    Ok(())
}

fn owner_replies(world: &mut World, auto: &mut AutoState) -> Result<(), String> {
    let coexistence = connected_numbers(world, true);
    let (pnid, wa_id, _, _) = auto
        .recent
        .iter()
        .rev()
        .find(|(pnid, ..)| coexistence.contains(pnid))
        .cloned()
        .ok_or("nobody wrote to a coexistence number yet")?;
    let body = OWNER_REPLIES
        .choose(&mut auto.rng)
        .copied()
        .unwrap_or("Hi!");
    world
        .phone_send(
            &pnid,
            &wa_id,
            json!({"type": "text", "text": {"body": body}}),
        )
        .map(|_| ())
        .map_err(|e| e.message)
}

fn customer_edits_or_revokes(world: &mut World, auto: &mut AutoState) -> Result<(), String> {
    let (pnid, wa_id, wamid, at) = auto.recent.last().cloned().ok_or("no recent message")?;
    if world.now > at + 10 * 60_000 {
        return Err("last message too old to edit".to_owned());
    }
    let result = if auto.rng.random_bool(0.6) {
        let edit = json!({"type": "text", "text": {"body": "Sorry, I meant the small one 🙂"}});
        world.customer_edit(&wa_id, &pnid, &wamid, edit)
    } else {
        world.customer_revoke(&wa_id, &pnid, &wamid)
    };
    auto.recent.pop();
    result.map(|_| ()).map_err(|e| e.message)
}

fn owner_touches_contacts(world: &mut World, auto: &mut AutoState) -> Result<(), String> {
    let (pnid, person) = pick(world, auto, true)?;
    let known = world.phones[&pnid].contacts.contains_key(&person.wa_id);
    let names = if known && auto.rng.random_bool(0.3) {
        None
    } else {
        Some((format!("{} (customer)", person.name), None))
    };
    world
        .phone_contact(&pnid, &person.wa_id, names)
        .map_err(|e| e.message)
}

fn owner_opens_app(world: &mut World) -> Result<(), String> {
    for pnid in connected_numbers(world, true) {
        world.phone_open(&pnid).map_err(|e| e.message)?;
    }
    Ok(())
}

/// Gives every coexistence phone an address book and six months of chats (auto mode, or when
/// `seed_phone` is set).
pub(crate) fn seed_phones(world: &mut World) {
    let mut rng = ids::rng(world.cfg.seed, Stream::Setup);
    let people = personas(&mut rng);
    let phones: Vec<String> = world.phones.keys().cloned().collect();
    for pnid in phones {
        for person in &people {
            if let Some(phone) = world.phones.get_mut(&pnid) {
                phone.contacts.insert(
                    person.wa_id.clone(),
                    crate::state::phone::PhoneContact {
                        full_name: person.name.to_owned(),
                        first_name: person
                            .name
                            .split(' ')
                            .next()
                            .unwrap_or(person.name)
                            .to_owned(),
                    },
                );
            }
            let messages = seed_thread(&mut rng, person);
            let _ = world.phone_seed_history(&pnid, &person.wa_id, Some(person.name), messages);
        }
    }
}

fn seed_thread(rng: &mut ChaCha20Rng, person: &Persona) -> Vec<SeedMessage> {
    let mut age = rng.random_range(1..180u64) * 86_400_000 + rng.random_range(0..86_400_000u64);
    let count = rng.random_range(2..7usize);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let from_business = i % 2 == 1;
        let message: Value = if !from_business && rng.random_bool(0.2) {
            json!({"type": "image", "image": {"mime_type": "image/jpeg", "caption": "📸"}})
        } else if from_business {
            json!({"type": "text", "text": {"body": OWNER_REPLIES.choose(rng).copied().unwrap_or("Hi")}})
        } else {
            json!({"type": "text", "text": {"body": LINES[person.lang].choose(rng).copied().unwrap_or("Hi")}})
        };
        out.push(SeedMessage {
            from_business,
            age_ms: age,
            message,
            status: Some("READ".to_owned()),
        });
        age = age.saturating_sub(rng.random_range(60_000..6 * 3_600_000u64));
    }
    out
}
