// rbacgraph migrate EXPORT...: translates options, loads the export, and prints the plan the library makes.
#include <algorithm>
#include <array>
#include <memory>

#include "cli/check_settings.hpp"
#include "cli/input.hpp"
#include "rbacgraph/migrate.hpp"
#include "rbacgraph/report.hpp"

namespace rbacgraph::cli {
namespace {

constexpr std::array<std::string_view, 7> kMigrateFormats = {
    "text", "json", "aws-cli", "eksctl", "cloudformation", "terraform", "aws-auth"};

struct MigrateOptions {
    InputOptions input;
    std::vector<std::string> outputs;
    std::string color = "auto";
    CheckSettings settings;
};

// A lost permission or a locked-out principal fails at every threshold: a move that takes access away is
// what the proof exists to stop. A gain fails when the findings that name its principal rate it at or above
// the threshold (as diff rates gains); a finding that is new only because the same access now comes from an
// access policy rates nothing, since its principal gained nothing.
bool failing(const MigrationPlan& plan, std::optional<RiskSeverity> fail_on) {
    if (!fail_on) {
        return false;
    }
    return std::any_of(plan.steps.begin(), plan.steps.end(), [&](const MigrationStep& step) {
        return !step.locked_out.empty() ||
               std::any_of(
                   step.diff.changes.begin(), step.diff.changes.end(), [&](const AccessChange& change) {
                       const bool lost =
                           std::any_of(change.lost.begin(), change.lost.end(),
                                       [](const PermissionRow& row) { return !row.undetermined; });
                       return lost ||
                              (!change.gained.empty() && change.severity && *change.severity >= *fail_on);
                   });
    });
}

int run_migrate(const MigrateOptions& options, std::ostream& out, std::ostream& err) {
    const auto targets = parse_outputs(options.outputs, kMigrateFormats, err);
    if (!targets) {
        return kExitUsage;
    }
    std::optional<PreparedRun> prepared = prepare_check_run(options.settings, err);
    if (!prepared) {
        return kExitUsage;
    }
    const auto loaded =
        load(options.input.words, with_config_inputs(options.input, prepared->run.config), err);
    if (!loaded) {
        return kExitUsage;
    }
    const auto& clusters = loaded->estate->clusters();
    // The commands and templates are one cluster's; text and JSON take every cluster.
    for (const OutputTarget& target : *targets) {
        if (target.format != "text" && target.format != "json" && clusters.size() != 1) {
            err << "rbacgraph: -o " << target.format << " writes one cluster's plan; " << clusters.size()
                << " clusters were given (run migrate once per cluster)\n";
            return kExitUsage;
        }
    }
    std::vector<MigrationPlan> plans;
    plans.reserve(clusters.size());
    for (const Cluster& cluster : clusters) {
        plans.push_back(plan_migration(*cluster.graph, prepared->run));
        if (plans.back().cluster.empty()) {
            plans.back().cluster = cluster.name;
        }
    }
    const auto write = [&](std::string_view format, std::ostream& stream) {
        if (format == "json") {
            nlohmann::json all = nlohmann::json::array();
            for (const MigrationPlan& plan : plans) {
                all.push_back(migrate_json(plan));
            }
            stream << json_text({{"plans", all}}, 2) << '\n';
        } else if (format == "aws-cli") {
            write_migrate_aws_cli(stream, plans.front());
        } else if (format == "eksctl") {
            write_migrate_eksctl(stream, plans.front());
        } else if (format == "cloudformation") {
            write_migrate_cloudformation(stream, plans.front());
        } else if (format == "terraform") {
            write_migrate_terraform(stream, plans.front());
        } else if (format == "aws-auth") {
            write_migrate_aws_auth(stream, plans.front());
        } else {
            for (const MigrationPlan& plan : plans) {
                write_migrate_text(stream, plan, {.color = use_color(options.color, stream)});
            }
        }
    };
    if (!write_outputs(*targets, out, err, write)) {
        return kExitUsage;
    }
    if (loaded->status != 0) {
        return loaded->status;
    }
    if (std::any_of(plans.begin(), plans.end(),
                    [&](const MigrationPlan& plan) { return failing(plan, prepared->fail_on); })) {
        return kExitNo;
    }
    const bool undetermined = std::any_of(plans.begin(), plans.end(),
                                          [](const MigrationPlan& plan) { return plan.undetermined(); });
    return prepared->fail_on && undetermined ? kExitUndetermined : kExitYes;
}

}  // namespace

MigrateCommand add_migrate_command(CLI::App& app) {
    auto options = std::make_shared<MigrateOptions>();
    CLI::App* migrate = app.add_subcommand(
        "migrate",
        "The access entries that replace aws-auth, and the proof that each mode step grants the same.");
    migrate->add_option("inputs", options->input.words,
                        "export files or directories (aws-auth, RBAC, describe-cluster, access entries, IAM "
                        "dumps)");
    add_input_options(*migrate, options->input);
    migrate
        ->add_option(
            "-o,--output", options->outputs,
            "FORMAT or FORMAT=PATH: text (default: the plan and its proof), json, aws-cli (a shell "
            "script of the mode step and the entries), eksctl (a ClusterConfig's accessConfig), "
            "cloudformation (AWS::EKS::AccessEntry), terraform (aws_eks_access_entry), aws-auth (the "
            "ConfigMap that remains); repeatable")
        ->check(format_names(kMigrateFormats))
        ->allow_extra_args(false);
    add_color_option(*migrate, options->color);
    add_check_settings(*migrate, options->settings,
                       "exit 1 when a step gains access rated at or above this severity; a loss or a "
                       "locked-out principal fails at any severity");
    migrate->footer(
        "For every aws-auth mapping in force: the access entry (type, username, kubernetesGroups) and access "
        "policies that reproduce it, what EKS cannot reproduce (system: groups, reserved usernames, "
        "mapAccounts) and why; then each mode step (API_AND_CONFIG_MAP with the entries, then API) applied "
        "to the model and compared with the cluster as it is.\n"
        "Exit codes: 0 equivalent (or differences that lose nothing and gain nothing at or above "
        "--fail-on), 1 a step loses a permission, locks someone out or gains access rated at or above "
        "--fail-on, 2 usage or input errors, 3 only differences the input cannot decide.\n"
        "Examples:\n"
        "  rbacgraph migrate cluster/ --creator arn:aws:iam::111122223333:role/platform-admin\n"
        "  rbacgraph migrate cluster/ -o aws-cli=migrate.sh -o text\n"
        "Docs: docs/migrate.md");
    MigrateCommand command;
    command.migrate = migrate;
    command.run = [options](std::ostream& out, std::ostream& err) { return run_migrate(*options, out, err); };
    return command;
}

}  // namespace rbacgraph::cli
