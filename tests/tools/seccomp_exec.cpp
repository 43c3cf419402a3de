// seccomp_exec: run a command under a Docker-format seccomp profile (the
// JSON that `docker run --security-opt seccomp=FILE` takes), so the profile
// shipped in config/ is tested on machines without a Docker engine.
//
// usage: seccomp_exec [--without NAME,...] [--caps CAP,...] [--verbose]
//                     PROFILE.json -- COMMAND [ARGS...]
//   --without  drop these syscall names from every rule of the profile, so
//              they get the default action, as in a profile that does not
//              list them (Docker >= 25 dropped io_uring_* this way)
//   --caps     the container's capabilities (default: Docker's default set)
//   --verbose  print what was installed and what was skipped to stderr
//
// The filter is built the way Docker + runc build theirs:
// - defaultAction / defaultErrnoRet; an ERRNO action without errnoRet is EPERM;
// - a rule applies only if its includes hold (every cap in `caps` is in the
//   capability set, the native arch is in `arches`, the kernel is at least
//   `minKernel`) and none of its excludes does;
// - `args` conditions become libseccomp comparisons (all seven SCMP_CMP_*
//   ops; MASKED_EQ is value & mask == valueTwo); as in runc, conditions on
//   distinct arguments form one rule (AND) and, if one argument has several,
//   each condition is a rule of its own (OR). An unknown op is an error, not
//   a skipped rule: skipping an ERRNO rule would allow more, not less;
// - names libseccomp does not know are skipped, as runc does, and rules with
//   the default action are not added (libseccomp refuses them).
// Not modelled: runc's ENOSYS stub for syscalls newer than the profile, the
// extra x86/x32 sub-architectures Docker adds on amd64, SCMP_ACT_NOTIFY.
#include <seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

// Docker's default capability set (moby oci/caps/defaults.go).
const char* const kDefaultCaps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE"};

struct Options {
    std::set<std::string> without;
    std::set<std::string> caps;
    bool verbose = false;
    std::string profile;
    char** command = nullptr;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: seccomp_exec [--without NAME,...] [--caps CAP,...] [--verbose]\n"
                 "                    PROFILE.json -- COMMAND [ARGS...]\n");
    std::exit(2);
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

std::string cap_name(std::string cap) {
    for (char& c : cap)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return cap.rfind("CAP_", 0) == 0 ? cap : "CAP_" + cap;
}

Options parse_options(int argc, char** argv) {
    Options o;
    o.caps.insert(std::begin(kDefaultCaps), std::end(kDefaultCaps));
    int i = 1;
    for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
        const std::string arg = argv[i];
        if (arg == "--without" && i + 1 < argc) {
            for (const auto& name : split(argv[++i]))
                o.without.insert(name);
        } else if (arg == "--caps" && i + 1 < argc) {
            o.caps.clear();
            for (const auto& cap : split(argv[++i]))
                o.caps.insert(cap_name(cap));
        } else if (arg == "--verbose") {
            o.verbose = true;
        } else if (o.profile.empty() && arg.rfind("--", 0) != 0) {
            o.profile = arg;
        } else {
            usage();
        }
    }
    if (o.profile.empty() || i + 1 >= argc) usage();
    o.command = argv + i + 1;
    return o;
}

// Docker's name for the architecture this tool runs on (its `arches` values).
std::string native_arch() {
    switch (seccomp_arch_native()) {
        case SCMP_ARCH_X86_64:
            return "amd64";
        case SCMP_ARCH_X86:
            return "x86";
        case SCMP_ARCH_AARCH64:
            return "arm64";
        case SCMP_ARCH_ARM:
            return "arm";
        case SCMP_ARCH_PPC64LE:
            return "ppc64le";
        case SCMP_ARCH_S390X:
            return "s390x";
        case SCMP_ARCH_RISCV64:
            return "riscv64";
        default:
            throw std::runtime_error("unsupported native architecture");
    }
}

// "major.minor" of a kernel release ("6.18.0-foo" -> {6, 18}).
std::pair<int, int> kernel_version(const std::string& release) {
    int major = 0;
    int minor = 0;
    if (std::sscanf(release.c_str(), "%d.%d", &major, &minor) < 1) {
        throw std::runtime_error("bad kernel version '" + release + "'");
    }
    return {major, minor};
}

std::pair<int, int> running_kernel() {
    utsname u{};
    if (uname(&u) != 0) throw std::runtime_error("uname failed");
    return kernel_version(u.release);
}

uint32_t to_action(const std::string& name, const json& errno_ret) {
    const uint16_t ret = errno_ret.is_number() ? errno_ret.get<uint16_t>() : EPERM;
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
    if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    throw std::runtime_error("unsupported action " + name);
}

scmp_compare to_op(const std::string& op) {
    static const std::map<std::string, scmp_compare> ops = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    const auto it = ops.find(op);
    if (it == ops.end()) throw std::runtime_error("unsupported args op " + op);
    return it->second;
}

std::vector<std::string> strings(const json& object, const char* key) {
    std::vector<std::string> out;
    if (object.is_object() && object.contains(key) && object[key].is_array()) {
        for (const auto& v : object[key])
            out.push_back(v.get<std::string>());
    }
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    for (const auto& v : list) {
        if (v == item) return true;
    }
    return false;
}

// Whether the rule's includes all hold and none of its excludes does.
bool rule_applies(const json& rule, const Options& o, const std::string& arch,
                  std::pair<int, int> kernel) {
    const json none = json::object();
    const json& inc =
        rule.contains("includes") && rule["includes"].is_object() ? rule["includes"] : none;
    const json& exc =
        rule.contains("excludes") && rule["excludes"].is_object() ? rule["excludes"] : none;
    for (const auto& cap : strings(inc, "caps")) {
        if (o.caps.count(cap_name(cap)) == 0) return false;
    }
    for (const auto& cap : strings(exc, "caps")) {
        if (o.caps.count(cap_name(cap)) != 0) return false;
    }
    const auto inc_arches = strings(inc, "arches");
    if (!inc_arches.empty() && !contains(inc_arches, arch)) return false;
    if (contains(strings(exc, "arches"), arch)) return false;
    if (inc.contains("minKernel") && inc["minKernel"].is_string() &&
        kernel < kernel_version(inc["minKernel"].get<std::string>())) {
        return false;
    }
    if (exc.contains("minKernel") && exc["minKernel"].is_string() &&
        !(kernel < kernel_version(exc["minKernel"].get<std::string>()))) {
        return false;
    }
    return true;
}

std::vector<scmp_arg_cmp> conditions(const json& args) {
    std::vector<scmp_arg_cmp> out;
    if (!args.is_array()) return out;
    for (const auto& a : args) {
        const unsigned index = a.at("index").get<unsigned>();
        if (index > 5) throw std::runtime_error("args index out of range");
        const uint64_t value = a.value("value", uint64_t{0});
        const uint64_t value_two = a.value("valueTwo", uint64_t{0});
        out.push_back(scmp_arg_cmp{index, to_op(a.at("op").get<std::string>()), value, value_two});
    }
    return out;
}

struct Counts {
    int rules = 0;
    int skipped_rules = 0;
    int unknown_names = 0;
};

void add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const std::vector<scmp_arg_cmp>& conds,
              const std::string& name) {
    std::map<unsigned, int> per_arg;
    for (const auto& c : conds)
        ++per_arg[c.arg];
    const bool repeated = per_arg.size() != conds.size();
    const auto add = [&](const scmp_arg_cmp* first, unsigned n) {
        const int rc = seccomp_rule_add_array(ctx, action, nr, n, first);
        if (rc != 0) {
            throw std::runtime_error("seccomp_rule_add(" + name + "): " + std::strerror(-rc));
        }
    };
    if (!repeated) {
        add(conds.data(), static_cast<unsigned>(conds.size()));
    } else {
        for (const auto& c : conds)
            add(&c, 1);
    }
}

void build_filter(scmp_filter_ctx ctx, const json& profile, uint32_t default_action,
                  const Options& o, Counts& counts) {
    const std::string arch = native_arch();
    const auto kernel = running_kernel();
    for (const auto& rule : profile.value("syscalls", json::array())) {
        if (!rule_applies(rule, o, arch, kernel)) {
            ++counts.skipped_rules;
            continue;
        }
        const uint32_t action =
            to_action(rule.at("action").get<std::string>(), rule.value("errnoRet", json()));
        if (action == default_action) continue;
        auto names = strings(rule, "names");
        if (rule.contains("name") && rule["name"].is_string()) {
            names.push_back(rule["name"].get<std::string>());
        }
        const auto conds = conditions(rule.value("args", json()));
        for (const auto& name : names) {
            if (o.without.count(name) != 0) continue;
            const int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                ++counts.unknown_names;
                if (o.verbose)
                    std::fprintf(stderr, "seccomp_exec: unknown syscall %s\n", name.c_str());
                continue;
            }
            add_rule(ctx, action, nr, conds, name);
        }
        ++counts.rules;
    }
}

json read_profile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    try {
        const json profile = read_profile(o.profile);
        const uint32_t default_action = to_action(profile.at("defaultAction").get<std::string>(),
                                                  profile.value("defaultErrnoRet", json()));
        scmp_filter_ctx ctx = seccomp_init(default_action);
        if (ctx == nullptr) throw std::runtime_error("seccomp_init failed");
        Counts counts;
        build_filter(ctx, profile, default_action, o, counts);
        // NO_NEW_PRIVS (libseccomp's default) lets an unprivileged user load it.
        const int rc = seccomp_load(ctx);
        seccomp_release(ctx);
        if (rc != 0) throw std::runtime_error(std::string("seccomp_load: ") + std::strerror(-rc));
        if (o.verbose) {
            std::fprintf(stderr,
                         "seccomp_exec: %s: %d rules installed, %d skipped (caps/arches/kernel), "
                         "%d unknown names, %zu names removed\n",
                         o.profile.c_str(), counts.rules, counts.skipped_rules,
                         counts.unknown_names, o.without.size());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "seccomp_exec: %s: %s\n", o.profile.c_str(), e.what());
        return 2;
    }
    execvp(o.command[0], o.command);
    std::fprintf(stderr, "seccomp_exec: exec %s: %s\n", o.command[0], std::strerror(errno));
    return 127;
}
