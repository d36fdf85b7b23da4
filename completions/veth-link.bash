# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for veth-link(8)                         -*- shell-script -*-
#
# Options, and which of them take a value, come from `veth-link --help`,
# never from a copy.  Namespace names come from /run/netns, where netns-new
# and `ip netns` keep them.  That directory belongs to the mount namespace,
# so a -n/--netns on the line does not change which names exist; it would
# matter only for interface names, and there is no source for those yet
# (pod-inspect).

# The named network namespaces, one per line.
_comp_cmd_veth_link__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

# The options that take a value: the --help lines where a <placeholder>
# follows the option names, e.g. " -n, --netns <name>".
_comp_cmd_veth_link__valued()
{
    local line
    "$1" --help 2>/dev/null | while read -r line; do
        [[ $line =~ ^((-[[:alnum:]]),\ )?(--[[:alnum:]-]+)\ \< ]] ||
            continue
        [[ ${BASH_REMATCH[2]} ]] && printf '%s\n' "${BASH_REMATCH[2]}"
        printf '%s\n' "${BASH_REMATCH[3]}"
    done
}

_comp_cmd_veth_link()
{
    local cur prev words cword split
    # Keep ':' and '=' inside words: an endpoint is NETNS:IFNAME=ADDR.
    _init_completion -s -n : || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local valued
    valued=" $(_comp_cmd_veth_link__valued "$1" 2>/dev/null |
        tr '\n' ' ') "

    # Walk the line: count the endpoints typed so far and find out whether
    # the current word is the value of an option (-n NAME, -jn NAME).
    local i j w opt="" endpoints=0 dashdash=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $opt ]]; then
            opt=""
        elif [[ $dashdash || $w != -?* ]]; then
            ((endpoints++))
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == --* ]]; then
            [[ $w != *=* && $valued == *" $w "* ]] && opt=$w
        else
            # A bundle of short options; one that takes a value ends it.
            for ((j = 1; j < ${#w}; j++)); do
                if [[ $valued == *" -${w:j:1} "* ]]; then
                    ((j == ${#w} - 1)) && opt=-${w:j:1}
                    break
                fi
            done
        fi
    done
    # --netns=NAME, split by _init_completion -s.
    $split && opt=$prev

    if [[ $opt ]]; then
        case $opt in
            -n | --netns)
                # A name under /run/netns, or an absolute path such as
                # /proc/PID/ns/net.
                if [[ $cur == /* ]]; then
                    _filedir
                else
                    COMPREPLY=($(compgen -W \
                        '$(_comp_cmd_veth_link__names 2>/dev/null)' \
                        -- "$cur"))
                fi
                ;;
        esac
        # --mtu, --ipam, --gw and any other value: free text.
        return
    fi

    if [[ ! $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W '$(_parse_help "$1" 2>/dev/null)' \
            -- "$cur"))
        return
    fi

    # A pair has two ends.  After NETNS: come an interface name and
    # addresses, which are the user's to choose.
    ((endpoints < 2)) || return
    [[ $cur == *[:=]* ]] && return

    COMPREPLY=($(compgen -S : -W \
        '$(_comp_cmd_veth_link__names 2>/dev/null)' -- "$cur"))
    ((${#COMPREPLY[@]})) && compopt -o nospace 2>/dev/null
    return 0
} &&
    complete -F _comp_cmd_veth_link veth-link

# ex: filetype=sh
