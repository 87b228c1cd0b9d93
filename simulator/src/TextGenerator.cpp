#include "TextGenerator.h"

#include <string_view>
#include <vector>

namespace intouch::sim::text {

namespace {

const std::vector<std::string_view>& sentences() {
    static const std::vector<std::string_view> v{
        "Zákazník žádá o zaslání aktualizovaného ceníku.",
        "Volat až po 14:00, dopoledne nezvedá.",
        "Dodávka proběhla v pořádku 👍",
        "Pozor: fakturovat na pobočku v Ústí nad Labem!",
        "Platba předem – viz e-mail z 12. 3.",
        "Sleva 5 % \"jen pro stálé zákazníky\".",
        "Cesta k podkladům: C:\\Data\\Zákazníci\\dvořák.xlsx",
        "Jednatel: Ing. Petr Šťastný, Ph.D.",
        "Řešeno telefonicky, čekáme na podpis smlouvy 📄✍️",
        "Příliš žluťoučký kůň úpěl ďábelské ódy.",
        "Objednávka přes e-shop <nevyřízena>.",
        "Kontakt převzat z veletrhu 'Amper' & doplněn ručně.",
        "Sloupce:\tkód\tnázev\tcena",
        "První řádek\ndruhý řádek\r\ntřetí řádek",
        "Zákazník preferuje komunikaci v angličtině 🇬🇧.",
        "Regex z importu: ^\\d{3} ?\\d{2}$",
        "Poznámka z migrace \\N (původně NULL).",
        "Emoji test: 😀🚀🎉 a kombinované znaky: é (e\u0301).",
        "Sklad Žižkov – paleta č. 7/2024.",
        "Upomínka odeslána; odpověď: „zaplatíme příští týden“.",
    };
    return v;
}

// Rare raw control characters, the ones most often mishandled (never NUL: PostgreSQL text
// cannot hold it and no CRM stores it).
const std::vector<std::string_view>& oddities() {
    static const std::vector<std::string_view> v{
        "Import z DOSu: oddělovač \x1f mezi poli.",
        "Pípnutí \x07 z terminálu.",
        "Stránkový zlom \f a backspace \b v textu.",
        "Unicode řídicí znak \xc2\x85 (NEL).",
    };
    return v;
}

const std::vector<std::string_view>& htmlParagraphs() {
    static const std::vector<std::string_view> v{
        "<p>Dobrý den,</p>",
        "<p>v příloze zasíláme <b>nabídku</b> na dodávku &quot;Žluťoučký kůň&quot; &amp; "
        "servis.</p>",
        "<ul><li>položka 1 – 1&nbsp;500,00 Kč</li><li>položka 2 – 299,90 Kč</li></ul>",
        "<p>Podrobnosti najdete <a "
        "href=\"https://example.cz/nabidka?id=42&amp;lang=cs\">zde</a>.</p>",
        "<p style=\"color:#c00\">Platnost nabídky: 30 dní.</p>",
        "<table border=\"1\"><tr><th>Kód</th><th>Cena</th></tr><tr><td>P-001</td><td>10 "
        "500,00</td></tr></table>",
        "<p>Děkujeme za spolupráci 🙂</p>",
        "<p>S pozdravem<br/>Jana Nováková<br/>Simulovaná firma s.r.o.</p>",
    };
    return v;
}

}  // namespace

std::optional<std::string> comment(Rng& rng) {
    const auto roll = rng.below(100);
    if (roll < 20) return std::nullopt;
    if (roll < 23) return longText(rng, 5200 + static_cast<std::size_t>(rng.below(3000)));
    std::string out;
    const auto n = 1 + rng.below(3);
    for (uint64_t i = 0; i < n; ++i) {
        if (i) out.push_back(' ');
        out.append(rng.chance(0.01) ? rng.pick(oddities()) : rng.pick(sentences()));
    }
    return out;
}

std::string longText(Rng& rng, std::size_t minBytes) {
    std::string out;
    while (out.size() < minBytes) {
        if (!out.empty()) out.append("\n\n");
        const auto n = 3 + rng.below(5);
        for (uint64_t i = 0; i < n; ++i) {
            if (i) out.push_back(' ');
            out.append(rng.pick(sentences()));
        }
    }
    return out;
}

std::string htmlLetter(Rng& rng) {
    const bool isLong = rng.chance(0.05);
    const std::size_t minBytes = isLong ? 5500 : 200;
    std::string out = "<html><body>";
    out.append(htmlParagraphs().front());
    while (out.size() < minBytes) out.append(rng.pick(htmlParagraphs()));
    out.append("</body></html>");
    return out;
}

std::string note(Rng& rng, bool html) {
    if (!html) {
        if (rng.chance(0.03)) return longText(rng, 5100);
        auto c = comment(rng);
        return c ? *c : std::string(rng.pick(sentences()));
    }
    std::string out;
    const auto n = 1 + rng.below(4);
    for (uint64_t i = 0; i < n; ++i) out.append(rng.pick(htmlParagraphs()));
    return out;
}

}  // namespace intouch::sim::text
