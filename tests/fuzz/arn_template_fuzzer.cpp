// ARN parsing, template rendering and template matching: line 1 is an ARN, line 2 a template, line 3 a name
// to match against the rendered template.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/username_template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rbacgraph;
    const std::string_view text = fuzz::as_text(data, size);
    const std::size_t first = text.find('\n');
    const std::string_view arn = text.substr(0, first);
    const std::string_view rest = first == std::string_view::npos ? "" : text.substr(first + 1);
    const std::size_t second = rest.find('\n');
    const std::string_view pattern = rest.substr(0, second);
    const std::string_view candidate = second == std::string_view::npos ? "" : rest.substr(second + 1);

    const auto parsed = parse_principal_arn(arn);
    if (const auto* principal = std::get_if<Principal>(&parsed)) {
        (void)principal->canonical_arn();
        (void)principal->session_role_arn();
        (void)access_entry_key(arn);
    }
    for (const auto session : {TemplateContext::Session::kNone, TemplateContext::Session::kKnown,
                               TemplateContext::Session::kAny}) {
        const TemplateContext context{"111122223333", session, std::string(candidate.substr(0, 80))};
        const auto rendered = render_template(pattern, context);
        if (const auto* value = std::get_if<IdentityValue>(&rendered)) {
            const ValueMatch match = value->match(candidate);
            // A witness must reproduce the candidate exactly.
            if (match.outcome == ValueMatch::Outcome::kYes && session == TemplateContext::Session::kAny &&
                value->depends_on_session()) {
                const auto again = render_template(
                    pattern, {"111122223333", TemplateContext::Session::kKnown, match.witness});
                if (!std::holds_alternative<IdentityValue>(again) ||
                    std::get<IdentityValue>(again).literal_text() != candidate) {
                    std::abort();
                }
            }
            (void)value->display();
        }
    }
    return 0;
}
