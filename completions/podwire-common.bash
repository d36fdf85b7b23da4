# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion helpers shared by podwire's programs     -*- shell-script -*-
#
# Sourced by completions/PROGRAM.bash from the directory it lives in (the
# source tree, or bash-completion's completions directory, where `make
# install` puts this file next to them).  No command is named
# podwire-common, so bash-completion never loads it on its own.
#
# Options, and which of them take a value, come from `PROGRAM --help`,
# never from a copy.  Namespace names come from /run/netns, where netns-new
# and `ip netns` keep them: it belongs to the mount namespace, so a
# -n/--netns on the line does not change which names exist.  Interface
# names come from the kernel of the namespace the program would act in,
# through `ip -j link show`: its JSON, never its listing for people, cut on
# the "ifname" members with awk (no jq needed).  /sys/class/net is no
# source: it shows the namespace that mounted /sys, which need not be the
# current one.

# The named network namespaces, one per line.
_comp_podwire__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

# The options of program $1 that take a value: the --help lines where a
# <placeholder> follows the option names, e.g. " -n, --netns <name>".
_comp_podwire__valued()
{
    local line
    "$1" --help 2>/dev/null | while read -r line; do
        [[ $line =~ ^((-[[:alnum:]]),\ )?(--[[:alnum:]-]+)\ \< ]] ||
            continue
        [[ ${BASH_REMATCH[2]} ]] && printf '%s\n' "${BASH_REMATCH[2]}"
        printf '%s\n' "${BASH_REMATCH[3]}"
    done
}

# The names of the links `ip -j link show ARGS...` lists in namespace $1
# ("" for the current one, or a path such as /proc/PID/ns/net), one per
# line.
_comp_podwire__links()
{
    local ns=$1
    shift
    local ip=(ip)
    if [[ $ns == /* ]]; then
        ip=(nsenter "--net=$ns" -- ip)
    elif [[ $ns ]]; then
        ip=(ip -n "$ns")
    fi
    "${ip[@]}" -j link show "$@" 2>/dev/null |
        awk -v RS='"ifname":"' -F '"' 'NR > 1 { print $1 }'
}

# A namespace for -n/--netns: a name under /run/netns, or an absolute path
# such as /proc/PID/ns/net.
_comp_podwire__netns_value()
{
    if [[ $cur == /* ]]; then
        _filedir
    else
        COMPREPLY=($(compgen -W '$(_comp_podwire__names 2>/dev/null)' \
            -- "$cur"))
    fi
}

# Walk words[1..cword-1] of program $1's line as getopt would.  Sets, in
# the caller's scope (declare them local there):
#   opt       the option the current word is the value of, or ""
#             (-n NAME, -jn NAME, --gw ADDR; --netns=NAME split by
#             _init_completion -s counts too)
#   netns     the value of -n/--netns (-nNAME and --netns=NAME too)
#   flags     " --delete -D -p ... ": every option given, a bundle's short
#             options one by one, values left out
#   operands  the words that are not options (an array)
#   dashdash  1 after --
# With $2 = command, --exec or -- starts a command of its own (pod-inspect
# --exec CMD): the walk stops there and command_at is the index of the
# command's first word.
_comp_podwire__walk()
{
    local valued i j w
    valued=" $(_comp_podwire__valued "$1" 2>/dev/null | tr '\n' ' ') "
    opt="" netns="" flags=" " dashdash="" command_at=""
    operands=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $opt ]]; then
            [[ $opt == -n || $opt == --netns ]] && netns=$w
            opt=""
        elif [[ $2 == command && ($w == --exec || $w == --) ]]; then
            command_at=$((i + 1))
            return
        elif [[ $dashdash || $w != -?* ]]; then
            operands+=("$w")
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == --* ]]; then
            flags+="${w%%=*} "
            [[ $w == --netns=* ]] && netns=${w#*=}
            [[ $w != *=* && $valued == *" $w "* ]] && opt=$w
        else
            # A bundle of short options; one that takes a value ends it.
            for ((j = 1; j < ${#w}; j++)); do
                flags+="-${w:j:1} "
                if [[ $valued == *" -${w:j:1} "* ]]; then
                    ((j == ${#w} - 1)) && opt=-${w:j:1}
                    [[ ${w:j:1} == n ]] && netns=${w:j+1} # -nNAME
                    break
                fi
            done
        fi
    done
    $split && opt=$prev
    return 0
}

# Options, when the current word starts with '-'.  A lone '-' offers the
# short options of --help too: then the choices share no longer prefix,
# and Tab Tab lists them all instead of first completing "--".
_comp_podwire__options()
{
    local opts
    opts=$(_parse_help "$1" 2>/dev/null)
    [[ $cur == - ]] && opts+=" $("$1" --help 2>/dev/null |
        sed -nE 's/^ +(-[[:alnum:]]), --.*/\1/p')"
    COMPREPLY=($(compgen -W '$opts' -- "$cur"))
}

# ex: filetype=sh
