# fish completion for hook-endpoint

set -l commands add list show set rotate remove disable enable

function __hook_endpoint_names
	set -l dir $HOOK_SPOOL
	if test -z "$dir"
		if set -q XDG_STATE_HOME
			set dir $XDG_STATE_HOME/hookspool
		else
			set dir $HOME/.local/state/hookspool
		end
	end
	for f in $dir/endpoints/*
		test -f $f; and basename $f
	end
end

complete -c hook-endpoint -f
complete -c hook-endpoint -s d -l dir -r -a '(__fish_complete_directories)' -d 'Spool directory'
complete -c hook-endpoint -s h -l help -d 'Print usage'

complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a add -d 'Create an endpoint'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a list -d 'List endpoints'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a show -d 'Show an endpoint'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a set -d 'Change an endpoint'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a rotate -d 'Sign with a new secret'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a remove -d 'Remove an endpoint'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a disable -d 'Stop sending to an endpoint'
complete -c hook-endpoint -n "not __fish_seen_subcommand_from $commands" -a enable -d 'Resume sending to an endpoint'

complete -c hook-endpoint -n "__fish_seen_subcommand_from show set rotate remove disable enable" -a '(__hook_endpoint_names)'

set -l cfg "__fish_seen_subcommand_from add set"
complete -c hook-endpoint -n $cfg -s u -l url -x -d 'URL to post to'
complete -c hook-endpoint -n $cfg -s e -l events -x -d 'Event type patterns'
complete -c hook-endpoint -n $cfg -s H -l header -x -d 'Extra header "Name: value"'
complete -c hook-endpoint -n $cfg -l scheme -x -a 'standard standard-v1a stripe github none' -d 'Signature scheme'
complete -c hook-endpoint -n $cfg -l timeout -x -d 'Limit for a whole request'
complete -c hook-endpoint -n $cfg -l connect-timeout -x -d 'Limit for connecting'
complete -c hook-endpoint -n $cfg -l retry -x -d 'Delays before each retry'
complete -c hook-endpoint -n $cfg -l max-attempts -x -d 'Attempts before a message is dead'
complete -c hook-endpoint -n $cfg -l max-age -x -d 'Age after which a message is not retried'
complete -c hook-endpoint -n $cfg -l max-in-flight -x -d 'Requests at once'
complete -c hook-endpoint -n $cfg -l rate -x -d 'Requests per second'
complete -c hook-endpoint -n $cfg -l ordered -d 'Deliver one at a time in order'
complete -c hook-endpoint -n $cfg -l no-ordered -d 'Deliver in parallel'
complete -c hook-endpoint -n $cfg -l permanent -x -d '4xx statuses never retried'
complete -c hook-endpoint -n $cfg -l deny-private -d 'Refuse private addresses'
complete -c hook-endpoint -n $cfg -l allow-private -d 'Allow private addresses'
complete -c hook-endpoint -n $cfg -l ca-file -r -F -d 'TLS trust anchors'
complete -c hook-endpoint -n $cfg -l client-cert -r -F -d 'TLS client certificate'
complete -c hook-endpoint -n $cfg -l client-key -r -F -d 'TLS client key'
complete -c hook-endpoint -n $cfg -l proxy -x -d 'Proxy URL'

set -l sec "__fish_seen_subcommand_from add set rotate"
complete -c hook-endpoint -n $sec -l secret-file -r -F -d 'Read the secret from a file'
complete -c hook-endpoint -n $sec -l secret-stdin -d 'Read the secret from standard input'

complete -c hook-endpoint -n "__fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c hook-endpoint -n "__fish_seen_subcommand_from show" -l secrets -d 'Reveal the secrets'
complete -c hook-endpoint -n "__fish_seen_subcommand_from rotate" -l overlap -x -d 'How long old secrets still sign'
complete -c hook-endpoint -n "__fish_seen_subcommand_from disable" -l reason -x -d 'Why'
