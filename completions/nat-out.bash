# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for nat-out(8)                           -*- shell-script -*-
#
# --out takes an interface and --bridge a bridge of the namespace nat-out
# would act in (the -n/--netns already on the line).  A SUBNET is the
# user's to write.  Where names and options come from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

_comp_cmd_nat_out()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local opt netns flags dashdash command_at
    local -a operands
    _comp_podwire__walk "$1"

    case $opt in
        -n | --netns)
            _comp_podwire__netns_value
            return
            ;;
        --out)
            COMPREPLY=($(compgen -W '$(_comp_podwire__links "$netns")' \
                -- "$cur"))
            return
            ;;
        --bridge)
            COMPREPLY=($(compgen -W \
                '$(_comp_podwire__links "$netns" type bridge)' -- "$cur"))
            return
            ;;
        ?*)
            # Any other value: free text.
            return
            ;;
    esac

    if [[ ! $dashdash && $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    # A SUBNET: free text.
    return 0
} &&
    complete -F _comp_cmd_nat_out nat-out

# ex: filetype=sh
